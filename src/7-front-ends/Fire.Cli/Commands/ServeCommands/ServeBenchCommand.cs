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

    [CommandOption("--save-every <N>")]
    [Description("The guarded services save the guard after at most this many flag requests, as `fire serve --save-every` (default: 64; 1 saves after every flag).")]
    public int SaveEvery { get; set; } = 64;

    [CommandOption("--out <FILE>")]
    [Description("The report (default: docs/serving.md).")]
    public string Out { get; set; } = Path.Combine("docs", "serving.md");

    [CommandOption(EngineOption.Template)]
    [Description(EngineOption.Help)]
    public string? Engine { get; set; }

    public override ValidationResult Validate()
    {
        if (Model is null || Guard is null || Requests is null || Flags is null) return ValidationResult.Error("--model, --guard, --requests and --flags are required.");
        if (EngineOption.Validate(Engine) is { Successful: false } engine) return engine;
        if (Seconds < 1) return ValidationResult.Error($"--seconds must be at least 1, got {Seconds}.");
        if (MemoryMinutes < 0) return ValidationResult.Error($"--memory-minutes must be 0 or more, got {MemoryMinutes}.");
        if (SaveEvery < 1) return ValidationResult.Error($"--save-every must be at least 1, got {SaveEvery}.");
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
        using var deployed = ModelFiles.OpenForGuard(settings.Model!, settings.Guard!, new ModelInputOptions(Threads: engineThreads, Engine: EngineOption.Parse(settings.Engine)));
        string work = Path.Combine(Path.GetTempPath(), $"fire-serve-bench-{Environment.ProcessId}");
        var progress = new Progress<string>(line => console.MarkupLineInterpolated($"[grey]{line}[/]"));
        var result = ServingBenchmark.RunAsync(deployed.Model, settings.Guard!, requests, flags, work, clients, TimeSpan.FromSeconds(settings.Seconds),
            settings.MemoryMinutes > 0 ? TimeSpan.FromMinutes(settings.MemoryMinutes) : null, ThreadCounts(deployed, engineThreads), engineThreads, torch.set_num_threads, progress,
            new Fire.Service.Serving.CheckpointPolicy { MaxUpdates = settings.SaveEvery }).GetAwaiter().GetResult();
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        string command = $"fire serve-bench --model {settings.Model} --guard {settings.Guard} --requests {settings.Requests} --flags {settings.Flags} --clients {settings.Clients} --seconds {settings.Seconds} --memory-minutes {settings.MemoryMinutes.ToString(CultureInfo.InvariantCulture)}{(settings.SaveEvery == 64 ? "" : $" --save-every {settings.SaveEvery}")}{(settings.Engine is null ? "" : $" --engine {settings.Engine}")}";
        string report = Report(result, command, deployed.Description, requests.Count, settings.SaveEvery);
        AtomicFile.Write(outPath, stream => stream.Write(Encoding.UTF8.GetBytes(report)));
        console.MarkupLineInterpolated($"Wrote [bold]{outPath}[/].");
        return 0;
    }

    /// <summary>
    /// The engine thread counts the model is timed alone with: 1 and 2 for libtorch, whose count is set per call; ONNX
    /// Runtime fixes its count when the session is built, so only the one the service uses.
    /// </summary>
    private static int[] ThreadCounts(OpenedModel deployed, int engineThreads) =>
        deployed.Model is Fire.Engines.Torch.TorchLayeredModel ? [1, 2] : [engineThreads];

    private static List<byte[]> Pngs(string directory, string option)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{option}: no folder '{directory}'.");
        var files = Directory.EnumerateFiles(directory, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new InvalidDataException($"{option}: '{directory}' holds no PNG file.");
        return files.Select(File.ReadAllBytes).ToList();
    }

    private static string Report(ServingBenchmarkResult result, string command, string architecture, int requestImages, int checkpoints)
    {
        var md = new StringBuilder();
        ReportFormat.AppendHeader(md, "Serving: fire serve on loopback", "nothing is cached; each cell starts a fresh service and state folder", command);
        string F(double v, string format = "F2") => v.ToString(format, CultureInfo.InvariantCulture);
        string MiB(long bytes) => bytes < 0 ? "" : F(bytes / 1048576.0, "F0");
        md.AppendLine($"Model: {architecture}. Requests: single PNG images ({requestImages} distinct, in turn) to `POST /v1/predict`, closed-loop clients in the benchmark's own process (client and server share the machine's cores). " +
                      $"Guarded cells receive one flag a second (`POST /v1/flags`, each a PNG with the trigger); every flag is journaled (fsync) and observed before its answer, and the guard is saved as a checkpoint (at most {checkpoints} updates or 30 s apart, and after each run of the automatic choice).");
        md.AppendLine();
        md.AppendLine($"The machine is shared with other jobs, so for each client count the bare and the guarded service run side by side and take the load in {ServingBenchmark.Rounds} alternating rounds (a change in the machine's load falls on both alike); " +
                      $"the model's own batch-1 latency is timed between the rounds ({(ServingBenchmark.Rounds + 1) * 100} calls) and the latency target is read as a ratio to it; the 1-minute load average at the end is listed beside. " +
                      "Before the rounds each service takes 2 s of warm-up load, the guarded one with flags (its first update after loading fills caches once).");
        md.AppendLine();
        md.AppendLine("## The model alone, by engine threads");
        md.AppendLine();
        md.AppendLine("| threads | batch-1 median (ms) | batch-1 p99 (ms) | batch-128 (img/s) |");
        md.AppendLine("|---:|---:|---:|---:|");
        foreach (var t in result.Timings) md.AppendLine($"| {t.Threads} | {F(t.Batch1MedianMs, "F3")} | {F(t.Batch1P99Ms, "F3")} | {F(t.Batch128ImagesPerSecond, "F0")} |");
        md.AppendLine();
        md.AppendLine($"The service ran with {result.EngineThreads} engine thread(s): `EngineThreads.Choose` (the cores free now, less one kept for HTTP and guard updates).");
        md.AppendLine();
        if (result.GuardCosts is { Count: > 0 } guardCosts)
        {
            md.AppendLine("## The guard on the model alone");
            md.AppendLine();
            md.AppendLine($"The guarded call the service makes (`PlanPredictions.Predict` with the guard's plan as loaded) against the bare forward pass, on batches of the request images, {result.EngineThreads} engine thread(s), no HTTP: " +
                          "20 warm-up calls each, then 10 rounds alternating 30 calls of each; median over rounds of the mean call time. Allocated: managed memory per guarded call.");
            md.AppendLine();
            md.AppendLine("| batch | bare (ms) | guarded (ms) | guarded / bare | allocated per guarded call (KiB) |");
            md.AppendLine("|---:|---:|---:|---:|---:|");
            foreach (var c in guardCosts)
                md.AppendLine($"| {c.Batch} | {F(c.BareMs, "F3")} | {F(c.GuardedMs, "F3")} | {F(c.Ratio, "F3")} | {F(c.GuardedKiBAllocated, "F1")} |");
            md.AppendLine();
        }
        md.AppendLine("## Throughput and latency");
        md.AppendLine();
        md.AppendLine("| clients | mode | req/s | p50 (ms) | p99 (ms) | errors | flags accepted / sent | flag answer median / max (ms) | model batch-1 median / p99 (ms) | load | guard / bare throughput | p99 / batch-1 median |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var cell in result.Cells)
        {
            var load = cell.Load;
            var bare = result.Cells.FirstOrDefault(c => c.Load.Clients == load.Clients && c.Load.Mode == "bare");
            string ratio = load.Mode == "guard" && bare is not null ? ReportFormat.Percent(load.RequestsPerSecond / bare.Load.RequestsPerSecond) : "";
            bool guarded = load.Mode == "guard";
            md.AppendLine($"| {load.Clients} | {load.Mode} | {F(load.RequestsPerSecond, "F0")} | {F(load.P50Ms)} | {F(load.P99Ms)} | {load.Errors} | {(guarded ? $"{load.FlagsAccepted} / {load.FlagsSent}" : "")} | " +
                          $"{(guarded ? $"{F(load.FlagP50Ms, "F0")} / {F(load.FlagMaxMs, "F0")}" : "")} | {F(cell.Batch1MedianMs, "F3")} / {F(cell.Batch1P99Ms, "F3")} | {F(cell.LoadAverage, "F1")} | {ratio} | {F(load.P99Ms / cell.Batch1MedianMs, "F1")}× |");
        }
        md.AppendLine();
        var updateRows = result.Cells.Where(c => c.Updates is not null).Select(c => ($"{c.Load.Clients} clients, {F(c.Load.Seconds, "F0")} s", c.Updates!, c.Checkpoints)).ToList();
        if (result.MemoryRunUpdates is not null) updateRows.Add(("memory run", result.MemoryRunUpdates, result.MemoryRunCheckpoints));
        if (updateRows.Count > 0)
        {
            md.AppendLine("## Guard updates");
            md.AppendLine();
            md.AppendLine("Per flag request: plain updates refresh the directions and statistics; re-selections (the automatic choice, when k has doubled) run rarely and cost far more. " +
                          $"CPU is the update thread's own time; wall time also counts waiting for a core (the update thread runs at nice +{Fire.Service.Serving.BackgroundPriority.Niceness}, behind predictions and, on a shared machine, behind every other job).");
            md.AppendLine();
            md.AppendLine("| run | plain updates | mean CPU (ms) | mean wall (ms) | re-selections | mean CPU (s) | mean wall (s) | guard saves |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            string Mean(double total, int count, double scale, string format) => count == 0 ? "" : F(total / count * scale, format);
            foreach (var (run, u, saves) in updateRows)
                md.AppendLine($"| {run} | {u.Plain.Count} | {Mean(u.Plain.CpuSeconds, u.Plain.Count, 1000, "F1")} | {Mean(u.Plain.WallSeconds, u.Plain.Count, 1000, "F0")} | " +
                              $"{u.Reselections.Count} | {Mean(u.Reselections.CpuSeconds, u.Reselections.Count, 1, "F2")} | {Mean(u.Reselections.WallSeconds, u.Reselections.Count, 1, "F1")} | {saves} |");
            md.AppendLine();
        }
        md.AppendLine("## Targets");
        md.AppendLine();
        foreach (var clients in result.Cells.Select(c => c.Load.Clients).Distinct())
        {
            var g = result.Cells.First(c => c.Load.Clients == clients && c.Load.Mode == "guard").Load;
            var b = result.Cells.First(c => c.Load.Clients == clients && c.Load.Mode == "bare").Load;
            double share = g.RequestsPerSecond / b.RequestsPerSecond;
            md.AppendLine($"- Throughput with the guard at {clients} client(s): {ReportFormat.Percent(share)} of without (target: at least 95%: {(share >= 0.95 ? "met" : "not met")}).");
        }
        var guard8 = result.Cells.FirstOrDefault(c => c.Load.Mode == "guard" && c.Load.Clients == 8);
        if (guard8 is not null)
        {
            double ratio = guard8.Load.P99Ms / guard8.Batch1MedianMs;
            md.AppendLine($"- p99 at 8 clients with the guard: {F(guard8.Load.P99Ms)} ms = {F(ratio, "F1")}× the model's batch-1 median latency measured beside it ({F(guard8.Batch1MedianMs, "F3")} ms, {result.EngineThreads} thread(s), load {F(guard8.LoadAverage, "F1")}) " +
                          $"and {F(guard8.Load.P99Ms / guard8.Batch1P99Ms, "F1")}× its batch-1 p99 ({F(guard8.Batch1P99Ms, "F3")} ms) (target: at most 3× the batch-1 latency: {(ratio <= 3 ? "met" : "not met")}).");
        }
        if (result.Memory.Count > 1)
        {
            var last = result.Memory[^1];
            // Warm-up: the first minute (the first requests, flags and refits fill caches, pools and the allocator's arenas).
            var warm = result.Memory.FirstOrDefault(m => m.Seconds >= 60) ?? result.Memory[0];
            var after = result.Memory.Where(m => m.Seconds >= warm.Seconds).ToList();
            var max = after.MaxBy(m => m.WorkingSetBytes)!;
            double growth = (double)max.WorkingSetBytes / warm.WorkingSetBytes - 1;
            md.AppendLine($"- Memory over the {F(last.Seconds / 60, "F1")}-minute run (8 clients, flags at 1/s, {result.MemoryRun?.RequestsPerSecond.ToString("F0", CultureInfo.InvariantCulture)} req/s, {result.MemoryRun?.Errors} errors, " +
                          $"{result.MemoryRun?.FlagsAccepted} flags accepted, guard version {last.GuardVersion} and k = {last.ObservedCount} at the end): working set {MiB(result.Memory[0].WorkingSetBytes)} MiB at the start, " +
                          $"{MiB(warm.WorkingSetBytes)} MiB after the {F(warm.Seconds, "F0")}-second warm-up, {MiB(last.WorkingSetBytes)} MiB at the end, {MiB(max.WorkingSetBytes)} MiB at most after warm-up " +
                          $"({(growth >= 0 ? "+" : "")}{ReportFormat.Percent(growth)}; target: flat, within 10%: {(growth <= 0.10 ? "met" : "not met")}).");
            md.AppendLine();
            md.AppendLine("| seconds | working set (MiB) | managed heap (MiB) | GC committed (MiB) | native in use (MiB) | native freed but held (MiB) | guard version | k |");
            md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var m in result.Memory)
                md.AppendLine($"| {F(m.Seconds, "F0")} | {MiB(m.WorkingSetBytes)} | {MiB(m.ManagedHeapBytes)} | {MiB(m.GcCommittedBytes)} | {MiB(m.NativeInUseBytes)} | {MiB(m.NativeFreeHeldBytes)} | {m.GuardVersion} | {m.ObservedCount} |");
            md.AppendLine();
            md.AppendLine("Native freed but held: glibc's free chunks (mallinfo2); after each guard update the service gives their pages back (malloc_trim), so they are not in the working set.");
        }
        md.AppendLine();
        md.AppendLine("Zero acknowledged flags lost under kill -9: the crash trials are a test, `KestrelTests.KillNineDuringFlagTrafficLosesNoAcknowledgedFlagInTwentyTrials` (20 kills of a real service process during flag traffic, checkpoints coalesced as served).");
        return md.ToString();
    }
}
