using Spectre.Console;

namespace Fire.Cli;

/// <summary>Turns the errors a user can cause (bad paths, bad data, bad parameters) into one clear line and exit code 1.</summary>
public static class ErrorReporting
{
    public static int Run(Func<int> command)
    {
        try
        {
            return command();
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException
                                      or InvalidOperationException or UnauthorizedAccessException or NotSupportedException
                                      or Spectre.Console.Cli.CommandParseException or Spectre.Console.Cli.CommandRuntimeException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 1;
        }
    }
}
