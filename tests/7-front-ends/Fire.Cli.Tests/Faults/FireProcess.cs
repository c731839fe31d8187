using System.Diagnostics;

namespace Fire.Cli.Tests.Faults;

/// <summary>
/// Runs the built `fire` (fire.dll beside the tests) as a real child process, as a user's shell would, so that it can be
/// killed with SIGKILL at any moment, raced against another writer, or shown to end within a time limit.
/// </summary>
internal static class FireProcess
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "fire.dll");

    /// <summary>Starts `fire args` with one torch thread, its output captured; the caller waits or kills.</summary>
    public static Process Start(params string[] args) => Start(Dll, input: false, args);

    /// <summary>Starts another .NET program built beside the tests (<paramref name="dll"/>) the same way, its standard input writable.</summary>
    public static Process StartProgram(string dll, params string[] args) => Start(dll, input: true, args);

    private static Process Start(string dll, bool input, string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["COLUMNS"] = "250";
        start.Environment["FIRE_DATA"] = CliRunner.DataRoot;
        return Process.Start(start)!;
    }

    /// <summary>Runs `fire args` to its end, or kills it after <paramref name="limit"/> and reports a hang (exit code -1).</summary>
    public static (int Code, string Output) Run(TimeSpan limit, params string[] args)
    {
        using var process = Start(args);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, $"fire {string.Join(' ', args)} hung: killed after {limit.TotalSeconds:F0} s.\n{output.Result}{errors.Result}");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result + errors.Result);
    }

    public static (int Code, string Output) Run(params string[] args) => Run(TimeSpan.FromMinutes(3), args);

    /// <summary>Reads and drops a child's output, so that a full pipe never blocks it.</summary>
    public static void Drain(Process process)
    {
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
    }

    /// <summary>SIGKILL, as kill -9: no handler runs, no file is closed cleanly.</summary>
    public static void Kill9(Process process)
    {
        try { process.Kill(); } // SIGKILL on Unix
        catch (InvalidOperationException) { } // it had ended already
        process.WaitForExit();
    }
}
