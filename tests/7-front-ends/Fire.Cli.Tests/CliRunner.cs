using Spectre.Console;
using Spectre.Console.Testing;

// The commands share the process-wide AnsiConsole (error lines) and torch thread count: run test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Fire.Cli.Tests;

/// <summary>Runs `fire` in process exactly as Program.cs does, capturing everything it prints.</summary>
internal static class CliRunner
{
    /// <summary>The data folder: FIRE_DATA, else ../shared/data beside the folder holding Fire.slnx.</summary>
    public static string DataRoot => SharedFolders.Data;

    public static (int Code, string Output) Run(params string[] args)
    {
        var console = new TestConsole().Width(250);
        var previous = AnsiConsole.Console;
        AnsiConsole.Console = console; // error lines go to the static console
        try
        {
            return (FireApp.Run(args, console), console.Output);
        }
        finally
        {
            AnsiConsole.Console = previous;
        }
    }
}
