using Spectre.Console;

namespace Fire.Cli;

/// <summary>
/// Turns the errors a user can cause (bad paths, bad data, bad parameters) into one clear line and exit code 1, and
/// any other failure into one line and exit code 2: no stack trace reaches a user unless `--verbose` (anywhere on the
/// command line, or FIRE_VERBOSE=1) asks for it.
/// </summary>
public static class ErrorReporting
{
    public const string VerboseOption = "--verbose";
    private static bool _verbose;

    /// <summary>Removes --verbose from <paramref name="args"/> (it applies to every command) and remembers it.</summary>
    public static string[] TakeVerbose(string[] args)
    {
        _verbose = args.Contains(VerboseOption) || Environment.GetEnvironmentVariable("FIRE_VERBOSE") is "1" or "true";
        args = args.Where(a => a != VerboseOption).ToArray();
        OptionMessages.Remember(args);
        return args;
    }

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
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {OptionMessages.Clarify(e)}");
            if (_verbose) AnsiConsole.WriteLine(e.ToString());
            return 1;
        }
        catch (Exception e) when (e is not OperationCanceledException && !_verbose)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] Fire failed unexpectedly ({e.GetType().Name}: {e.Message}). Run the command again with --verbose for the details, and report them.");
            return 2;
        }
    }
}
