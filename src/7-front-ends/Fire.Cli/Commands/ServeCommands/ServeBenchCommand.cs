using Fire.Evaluation.Models;
using System.ComponentModel;
using System.Globalization;
using System.Text;
using Fire.Cli.Commands.GuardCommands;
using Fire.Evaluation.Reports;
using Fire.Service.Benchmark;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace Fire.Cli.Commands.ServeCommands;

public sealed class ServeBenchSettings : ComputeSettings
{
    [CommandOption("--model <CHECKPOINT>")]
    [Description("The classifier to serve.")]
    public string? Model { get; set; }

    [CommandOption("--guard <FILE>")]
    [Description("A guard fitted for it (with samples, so that it learns from the flags).")]
    public string? Guard { get; set; }

    [CommandOption("--requests <DIR>")]
    [Description("PNG images sent as single-image prediction requests, in turn.")]
    public string? Requests { get; set; }

    [CommandOption("--flags <DIR>")]
    [Description("PNG images sent as flags, one a second, during the guarded runs.")]
    public string? Flags { get; set; }

    [CommandOption("--clients <LIST>")]
    [Description("Concurrent clients per cell (default: 1,8,32).")]
    public string Clients { get; set; } = "1,8,32";

    [CommandOption("--seconds <S>")]
    [Description("Measured seconds per cell, after 2 s of warm-up (default: 10).")]
    public int Seconds { get; set; } = 10;

    [CommandOption("--memory-minutes <M>")]
    [Description("Length of the memory run (8 clients, flags at 1/s); 0 skips it (default: 5).")]
    public double MemoryMinutes { get; set; } = 5;

    [CommandOption("--out <FILE>")]
    [Description("The report (default: docs/serving.md).")]
    public string Out { get; set; } = Path.Combine("docs", "serving.md");

    public override ValidationResult Validate()
    {
        if (Model is null || Guard is null || Requests is null || Flags is null) return ValidationResult.Error("--model, --guard, --requests and --flags are required.");
        if (Seconds < 1) return ValidationResult.Error($"--seconds must be at least 1, got {Seconds}.");
        if (MemoryMinutes < 0) return ValidationResult.Error($"--memory-minutes must be 0 or more, got {MemoryMinutes}.");
        return base.Validate();
    }
}

/// <summary><c>fire serve-bench</c>: the serving benchmark on loopback (Fire.Service.Benchmark); writes docs/serving.md.</summary>
public sealed class ServeBenchCommand(IAnsiConsole console) : Command<ServeBenchSettings>
{
    public override int Execute(CommandContext context, ServeBenchSettings settings, CancellationToken cancellation)
    {
        int engineThreads = EngineThreads.Choose(settings.Threads, ServeCommand.ReservedCores);
        var clients = settings.Clients.Split(',').Select(c => int.TryParse(c, out int n) && n > 0 ? n : throw new ArgumentException($"--clients: '{c}' is not a positive count.")).ToArray();
        var requests = Pngs(settings.Requests!, "--requests");
        var flags = Pngs(settings.Flags!, "--flags");
        string outPath = Path.GetFullPath(settings.Out);
        foreach (var input in new[] { settings.Model!, settings.Guard! })
            if (Path.GetFullPath(input) == outPath) throw new ArgumentException($"--out {settings.Out} would overwrite an input.");
        using var deployed = ModelFiles.OpenForGuard(settings.Model!, settings.Guard!);
        string work = Path.Combine(Path.GetTempPath(), $"fire-serve-bench-{Environment.ProcessId}");
        var progress = new Progress<string>(line => console.MarkupLineInterpolated($"[grey]{line}[/]"));
        var result = ServingBenchmark.RunAsync(deployed.Model, settings.Guard!, requests, flags, work, clients, TimeSpan.FromSeconds(settings.Seconds),
            settings.MemoryMinutes > 0 ? TimeSpan.FromMinutes(settings.MemoryMinutes) : null, [1, 2], engineThreads, torch.set_num_threads, progress).GetAwaiter().GetResult();
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        string command = $"fire serve-bench --model {settings.Model} --guard {settings.Guard} --requests {settings.Requests} --flags {settings.Flags} --clients {settings.Clients} --seconds {settings.Seconds} --memory-minutes {settings.MemoryMinutes.ToString(CultureInfo.InvariantCulture)}";
        string report = Report(result, command, deployed.Description, requests.Count);
        AtomicFile.Write(outPath, stream => stream.Write(Encoding.UTF8.GetBytes(report)));
        console.MarkupLineInterpolated($"Wrote [bold]{outPath}[/].");
        return 0;
    }

    private static List<byte[]> Pngs(string directory, string option)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{option}: no folder '{directory}'.");
        var files = Directory.EnumerateFiles(directory, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new InvalidDataException($"{option}: '{directory}' holds no PNG file.");
        return files.Select(File.ReadAllBytes).ToList();
    }

    private static string Report(ServingBenchmarkResult result, string command, string architecture, int requestImages)
    {
        var md = new StringBuilder();
        ReportFormat.AppendHeader(md, "Serving: fire serve on loopback", "nothing is cached; each cell starts a fresh service and state folder", command);
        string F(double v, string format = "F2") => v.ToString(format, CultureInfo.InvariantCulture);
        md.AppendLine($"Model: {architecture}. Requests: single PNG images ({requestImages} distinct, in turn) to `POST /v1/predict`, closed-loop clients on the same machine (client and server share its cores). " +
                      "Guarded cells receive one flag a second (`POST /v1/flags`, each a PNG with the trigger); every flag is journaled (fsync), observed, and the guard saved before its answer.");
        md.AppendLine();
        md.AppendLine("## The model alone, by engine threads");
        md.AppendLine();
        md.AppendLine("| threads | batch-1 median (ms) | batch-1 p99 (ms) | batch-128 (img/s) |");
        md.AppendLine("|---:|---:|---:|---:|");
        foreach (var t in result.Timings) md.AppendLine($"| {t.Threads} | {F(t.Batch1MedianMs, "F3")} | {F(t.Batch1P99Ms, "F3")} | {F(t.Batch128ImagesPerSecond, "F0")} |");
        md.AppendLine();
        md.AppendLine($"The service ran with {result.EngineThreads} engine thread(s): `EngineThreads.Choose` (the cores free now, less one kept for HTTP and guard updates).");
        md.AppendLine();
        md.AppendLine("## Throughput and latency");
        md.AppendLine();
        md.AppendLine("| clients | mode | req/s | p50 (ms) | p99 (ms) | errors | flags accepted / sent | guard / bare throughput |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var cell in result.Cells)
        {
            var bare = result.Cells.FirstOrDefault(c => c.Clients == cell.Clients && c.Mode == "bare");
            string ratio = cell.Mode == "guard" && bare is not null ? ReportFormat.Percent(cell.RequestsPerSecond / bare.RequestsPerSecond) : "";
            md.AppendLine($"| {cell.Clients} | {cell.Mode} | {F(cell.RequestsPerSecond, "F0")} | {F(cell.P50Ms)} | {F(cell.P99Ms)} | {cell.Errors} | {(cell.Mode == "guard" ? $"{cell.FlagsAccepted} / {cell.FlagsSent}" : "")} | {ratio} |");
        }
        md.AppendLine();
        var timing = result.Timings.FirstOrDefault(t => t.Threads == result.EngineThreads) ?? result.Timings[0];
        var guard8 = result.Cells.FirstOrDefault(c => c.Mode == "guard" && c.Clients == 8);
        md.AppendLine("## Targets");
        md.AppendLine();
        foreach (var clients in result.Cells.Select(c => c.Clients).Distinct())
        {
            var g = result.Cells.First(c => c.Clients == clients && c.Mode == "guard");
            var b = result.Cells.First(c => c.Clients == clients && c.Mode == "bare");
            md.AppendLine($"- Throughput with the guard at {clients} client(s): {ReportFormat.Percent(g.RequestsPerSecond / b.RequestsPerSecond)} of without (target: at least 95%).");
        }
        if (guard8 is not null)
            md.AppendLine($"- p99 at 8 clients with the guard: {F(guard8.P99Ms)} ms = {F(guard8.P99Ms / timing.Batch1MedianMs, "F1")}× the model's batch-1 median latency ({F(timing.Batch1MedianMs, "F3")} ms, {timing.Threads} thread(s)) (target: at most 3×).");
        if (result.Memory.Count > 1)
        {
            var first = result.Memory[0];
            var last = result.Memory[^1];
            var max = result.Memory.MaxBy(m => m.WorkingSetBytes)!;
            md.AppendLine($"- Memory over the {F(last.Seconds / 60, "F1")}-minute run (8 clients, flags at 1/s, {result.MemoryRun?.RequestsPerSecond.ToString("F0", CultureInfo.InvariantCulture)} req/s, {result.MemoryRun?.Errors} errors, guard version {last.GuardVersion} at the end): " +
                          $"working set {first.WorkingSetBytes / 1048576.0:F0} MiB at the start, {last.WorkingSetBytes / 1048576.0:F0} MiB at the end, {max.WorkingSetBytes / 1048576.0:F0} MiB at most; managed heap {first.ManagedHeapBytes / 1048576.0:F0} to {last.ManagedHeapBytes / 1048576.0:F0} MiB.");
            md.AppendLine();
            md.AppendLine("| seconds | working set (MiB) | managed heap (MiB) | guard version |");
            md.AppendLine("|---:|---:|---:|---:|");
            foreach (var m in result.Memory) md.AppendLine($"| {F(m.Seconds, "F0")} | {m.WorkingSetBytes / 1048576.0:F0} | {m.ManagedHeapBytes / 1048576.0:F0} | {m.GuardVersion} |");
        }
        md.AppendLine();
        md.AppendLine("Zero acknowledged flags lost under kill -9: the crash trials are a test, `KestrelTests.KillNineDuringFlagTrafficLosesNoAcknowledgedFlagInTwentyTrials` (20 kills of a real service process during flag traffic).");
        return md.ToString();
    }
}
