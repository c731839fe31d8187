using System.Diagnostics;
using System.Security.Cryptography;
using Fire.Guard;
using Fire.Service.Security;
using Fire.Service.Serving;

namespace Fire.Service.Benchmark;

/// <summary>The model alone: batch-1 latency and batch-128 throughput at one engine thread count.</summary>
public sealed record ModelTiming(int Threads, double Batch1MedianMs, double Batch1P99Ms, double Batch128ImagesPerSecond);

/// <summary>
/// Memory of the process at one moment of the long run: the working set, the managed heap (live objects and what the GC
/// has committed) and glibc's native heap (in use, and freed but held); -1 where glibc's counters are missing.
/// </summary>
public sealed record MemorySample(double Seconds, long WorkingSetBytes, long ManagedHeapBytes, int GuardVersion,
    long GcCommittedBytes = -1, long NativeInUseBytes = -1, long NativeFreeHeldBytes = -1, int ObservedCount = -1);

/// <summary>
/// One load cell beside the model's batch-1 latency measured just before and just after it (the machine is shared, so
/// a ratio to a timing taken minutes apart would compare different loads), and the 1-minute load average at its end.
/// </summary>
/// <param name="Updates">What the guard's updates cost during the cell (null for the bare model).</param>
public sealed record CellResult(LoadResult Load, double Batch1MedianMs, double Batch1P99Ms, double LoadAverage, UpdateCosts? Updates = null, int Checkpoints = 0);

public sealed record ServingBenchmarkResult(IReadOnlyList<ModelTiming> Timings, IReadOnlyList<CellResult> Cells, IReadOnlyList<MemorySample> Memory,
    LoadResult? MemoryRun, int EngineThreads, UpdateCosts? MemoryRunUpdates = null, int MemoryRunCheckpoints = 0, IReadOnlyList<GuardCost>? GuardCosts = null);

/// <summary>
/// The serving benchmark on loopback: the model's own timings at each thread count tried; then, at the chosen thread
/// count, each client count with the bare model and with the guard (flags arriving at one a second), each on a fresh
/// service and state folder, the two taking the load in alternating rounds with batch-1 timings of the model between
/// them; optionally a long run (8 clients, flags) sampling memory every 10 seconds.
/// </summary>
public static class ServingBenchmark
{
    /// <summary>The batch sizes at which the guard's cost on the model alone is timed: one request, and batches the batcher gathers under load.</summary>
    public static readonly int[] GuardCostBatches = [1, 8, 32];

    public static async Task<ServingBenchmarkResult> RunAsync(ILayeredModel model, string guardPath, IReadOnlyList<byte[]> requests, IReadOnlyList<byte[]> flags,
        string workDirectory, int[] clientCounts, TimeSpan cell, TimeSpan? memoryRun, int[] threadCounts, int engineThreads, Action<int> setThreads,
        IProgress<string> progress, CheckpointPolicy? checkpoints = null)
    {
        var timings = new List<ModelTiming>();
        foreach (int threads in threadCounts)
        {
            setThreads(threads);
            timings.Add(TimeModel(model, threads));
            progress.Report($"model alone, {threads} thread(s): {timings[^1]}");
        }
        setThreads(engineThreads);
        IReadOnlyList<GuardCost> guardCosts;
        using (var guard = FireGuard.Load(guardPath, model))
            guardCosts = GuardCost.Measure(model, guard.Plan, GuardCost.Decode(requests, model.InputShape), GuardCostBatches);
        foreach (var cost in guardCosts)
            progress.Report($"guard on the model alone, batch {cost.Batch}: bare {cost.BareMs:F3} ms, guarded {cost.GuardedMs:F3} ms ({cost.Ratio:F3}x), {cost.GuardedKiBAllocated:F1} KiB allocated per guarded call");
        string key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var keys = KeyRing.Parse($$"""{"keys": [{"id": "bench", "key": "{{key}}", "roles": ["admin"]}]}""", "benchmark keys");
        var cells = new List<CellResult>();
        foreach (int clients in clientCounts)
        {
            // Both services run side by side and take the load in alternating rounds, so that a change in the machine's
            // load (other jobs) falls on both alike; the model's batch-1 latency is timed between rounds.
            await using var bare = await Served.StartAsync(model, null, Path.Combine(workDirectory, $"state-bare-{clients}"), keys);
            await using var guarded = await Served.StartAsync(model, guardPath, Path.Combine(workDirectory, $"state-guard-{clients}"), keys, checkpoints);
            await LoadGenerator.RunAsync(bare.Uri, key, requests, clients, TimeSpan.FromSeconds(2), null, "warm-up");
            // The guard's warm-up takes flags too: the first update after loading fills caches (clean activations, code paths) once.
            var warm = await LoadGenerator.RunAsync(guarded.Uri, key, requests, clients, TimeSpan.FromSeconds(2), flags, "warm-up");
            int nextFlag = warm.FlagsSent;
            var costsBefore = guarded.Host.Costs;
            int savesBefore = guarded.Host.Checkpoints;
            var bareParts = new List<LoadResult>();
            var guardParts = new List<LoadResult>();
            var times = new List<double>();
            var slice = cell / Rounds;
            for (int round = 0; round < Rounds; round++)
            {
                times.AddRange(Batch1Times(model, 100));
                bareParts.Add(await LoadGenerator.RunAsync(bare.Uri, key, requests, clients, slice, null, "bare"));
                guardParts.Add(await LoadGenerator.RunAsync(guarded.Uri, key, requests, clients, slice, flags, "guard", firstFlag: nextFlag));
                nextFlag += guardParts[^1].FlagsSent;
            }
            times.AddRange(Batch1Times(model, 100));
            double load = LoadAverage();
            var sorted = times.Order().ToArray();
            var costs = guarded.Host.Costs.Since(costsBefore);
            int saves = guarded.Host.Checkpoints - savesBefore;
            foreach (var result in new[] { LoadResult.Merge(bareParts), LoadResult.Merge(guardParts) })
            {
                bool isGuard = result.Mode == "guard";
                cells.Add(new CellResult(result, LoadGenerator.Quantile(sorted, 0.5), LoadGenerator.Quantile(sorted, 0.99), load, isGuard ? costs : null, isGuard ? saves : 0));
                progress.Report($"{result.Mode}, {clients} client(s): {result.RequestsPerSecond:F0} req/s, p50 {result.P50Ms:F2} ms, p99 {result.P99Ms:F2} ms, errors {result.Errors}, " +
                                $"flags {result.FlagsAccepted}/{result.FlagsSent} (median {result.FlagP50Ms:F0} ms); model batch-1 median {cells[^1].Batch1MedianMs:F3} ms, p99 {cells[^1].Batch1P99Ms:F3} ms; load {load:F1}" +
                                (isGuard ? $"; updates {costs.Plain.Count} plain (CPU {costs.Plain.CpuSeconds:F2} s, wall {costs.Plain.WallSeconds:F2} s), {costs.Reselections.Count} re-selections (CPU {costs.Reselections.CpuSeconds:F2} s, wall {costs.Reselections.WallSeconds:F2} s), {saves} saves" : ""));
            }
        }
        var memory = new List<MemorySample>();
        LoadResult? memoryResult = null;
        UpdateCosts? memoryCosts = null;
        int memoryCheckpoints = 0;
        if (memoryRun is { } length)
        {
            await using var served = await Served.StartAsync(model, guardPath, Path.Combine(workDirectory, "state-memory"), keys, checkpoints);
            var host = served.Host;
            using var sampling = new CancellationTokenSource();
            var clock = Stopwatch.StartNew();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    using var process = Process.GetCurrentProcess();
                    var native = NativeHeap.Usage();
                    var sample = new MemorySample(clock.Elapsed.TotalSeconds, process.WorkingSet64, GC.GetTotalMemory(false), host.Snapshot.Version,
                        GC.GetGCMemoryInfo().TotalCommittedBytes, native?.InUseBytes ?? -1, native?.FreeHeldBytes ?? -1, host.Snapshot.ObservedCount);
                    memory.Add(sample);
                    progress.Report($"memory at {sample.Seconds:F0} s: working set {sample.WorkingSetBytes / 1048576.0:F0} MiB, managed heap {sample.ManagedHeapBytes / 1048576.0:F0} MiB " +
                                    $"(GC committed {sample.GcCommittedBytes / 1048576.0:F0}), native in use {sample.NativeInUseBytes / 1048576.0:F0} MiB, freed but held {sample.NativeFreeHeldBytes / 1048576.0:F0} MiB, " +
                                    $"version {sample.GuardVersion}, k {sample.ObservedCount}");
                    await Task.Delay(TimeSpan.FromSeconds(10), sampling.Token).ContinueWith(_ => { });
                }
            });
            memoryResult = await LoadGenerator.RunAsync(served.Uri, key, requests, 8, length, flags, "guard, long run");
            (memoryCosts, memoryCheckpoints) = (host.Costs, host.Checkpoints);
            sampling.Cancel();
            await sampler;
        }
        return new ServingBenchmarkResult(timings, cells, memory, memoryResult, engineThreads, memoryCosts, memoryCheckpoints, guardCosts);
    }

    /// <summary>A service on a loopback port with a fresh state folder, stopped and closed on disposal.</summary>
    private sealed class Served : IAsyncDisposable
    {
        private readonly Microsoft.AspNetCore.Builder.WebApplication _app;

        private Served(GuardHost host, Microsoft.AspNetCore.Builder.WebApplication app)
        {
            Host = host;
            _app = app;
            Uri = new Uri(app.Urls.First());
        }

        public GuardHost Host { get; }
        public Uri Uri { get; }

        public static async Task<Served> StartAsync(ILayeredModel model, string? guard, string state, KeyRing keys, CheckpointPolicy? checkpoints = null)
        {
            if (Directory.Exists(state)) Directory.Delete(state, recursive: true);
            var host = GuardHost.Open(model, guard, state, checkpoints);
            var limits = new RequestLimits { RequestsPerSecond = 1_000_000, Burst = 1_000_000 };
            var app = FireService.Build(new ServiceConfig(host, keys, limits, new BatchingOptions()), ["http://127.0.0.1:0"]);
            await app.StartAsync();
            return new Served(host, app);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            Host.Dispose();
        }
    }

    /// <summary>Load rounds per cell, alternating between the bare and the guarded service.</summary>
    public const int Rounds = 4;

    /// <summary>Times of <paramref name="calls"/> batch-1 calls (after 20 to warm up), in milliseconds.</summary>
    public static double[] Batch1Times(ILayeredModel model, int calls = 200)
    {
        var one = NoiseImages.Draw(new Random(2), 1, model.InputShape);
        for (int i = 0; i < 20; i++) model.Forward(one);
        var times = new double[calls];
        for (int i = 0; i < times.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            model.Forward(one);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return times;
    }

    /// <summary>The 1-minute load average (/proc/loadavg; NaN where it is missing).</summary>
    public static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }

    /// <summary>Median and p99 of 300 batch-1 calls (after 30 to warm up) and the throughput of 20 batches of 128.</summary>
    public static ModelTiming TimeModel(ILayeredModel model, int threads)
    {
        var random = new Random(1);
        var one = NoiseImages.Draw(random, 1, model.InputShape);
        var many = NoiseImages.Draw(random, 128, model.InputShape);
        for (int i = 0; i < 30; i++) model.Forward(one);
        var times = new double[300];
        for (int i = 0; i < times.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            model.Forward(one);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        model.Forward(many);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 20; i++) model.Forward(many);
        return new ModelTiming(threads, LoadGenerator.Quantile(times, 0.5), LoadGenerator.Quantile(times, 0.99), 20 * 128 / clock.Elapsed.TotalSeconds);
    }
}
