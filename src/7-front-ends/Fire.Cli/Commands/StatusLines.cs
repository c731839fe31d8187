using Spectre.Console;

namespace Fire.Cli.Commands;

/// <summary>A library's progress lines, printed in grey as they come (synchronously, unlike <see cref="Progress{T}"/>,
/// so they never arrive after the command's result).</summary>
public sealed class StatusLines(IAnsiConsole console) : IProgress<string>
{
    public void Report(string value) => console.MarkupLineInterpolated($"[grey]{value}[/]");
}
