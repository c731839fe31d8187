using System.Globalization;
using Spectre.Console;

namespace Fire.Cli;

/// <summary>
/// Output piped to a file or another program has no terminal width, and Spectre.Console then wraps at 80 columns, which
/// splits paths and the suggested commands in two. Redirected output gets the width in <c>COLUMNS</c>, or
/// <see cref="Default"/>: wide enough for any path or command line Fire prints, narrow enough for its tables.
/// </summary>
internal static class RedirectedWidth
{
    public const int Default = 240;

    public static void Apply()
    {
        if (!Console.IsOutputRedirected) return;
        AnsiConsole.Profile.Width = Parse(Environment.GetEnvironmentVariable("COLUMNS")) ?? Default;
    }

    /// <summary>A usable COLUMNS value (20 to 10,000 columns), or null.</summary>
    public static int? Parse(string? columns) =>
        int.TryParse(columns, NumberStyles.None, CultureInfo.InvariantCulture, out int width) && width is >= 20 and <= 10_000 ? width : null;
}
