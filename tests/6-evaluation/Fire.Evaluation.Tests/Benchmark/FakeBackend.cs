using Fire.Evaluation.Benchmark;
using Fire.Evaluation.Latency;
using Fire.Evaluation.Metrics;

namespace Fire.Evaluation.Tests.Benchmark;

/// <summary>A backend that measures nothing: it records every preparation and cell run, and can fail or cancel on cue.</summary>
public sealed class FakeBackend : IBenchmarkBackend
{
    public List<BenchmarkGroup> Prepared { get; } = new();
    public List<string> Runs { get; } = new();
    /// <summary>Called before each cell with the run's 1-based count; may throw.</summary>
    public Action<int, BenchmarkCell>? BeforeRun { get; init; }

    public IPreparedModel Prepare(BenchmarkGroup group, BenchmarkRecipe recipe, Action<string> status, CancellationToken cancellation)
    {
        Prepared.Add(group);
        return new Model(this, group);
    }

    /// <summary>Deterministic figures of a cell, so results can be checked after a round trip.</summary>
    public static CellMeasurement Measure(BenchmarkCell cell)
    {
        double pa = (cell.Defense.Length % 10) / 10.0;
        var stats = new LatencyStats(1, 3, 2.0, 1.5, 2.5, 1.4, 2.6);
        var undefended = new LatencyStats(1, 3, 1.0, 0.9, 1.1, 0.8, 1.2);
        var batch = new LatencyStats(128, 3, 64.0, 60, 70, 59, 71);
        var latency = new CellLatency(new LatencyRow(cell.Defense, stats, 2.0), new LatencyRow(cell.Defense, batch, 2.0), undefended, batch with { MedianMs = 32 });
        return new CellMeasurement(new BackdoorMetrics(0.9, 1 - pa, pa), 100, 0.5, latency);
    }

    private sealed class Model(FakeBackend backend, BenchmarkGroup group) : IPreparedModel
    {
        public string? ModelKey => $"model-{group.Attack}";

        public CellMeasurement Run(BenchmarkDefense defense, Action<string> status, CancellationToken cancellation)
        {
            var cell = new BenchmarkCell(group.Dataset, group.Architecture, group.Attack, defense.Name, group.Seed);
            backend.Runs.Add(cell.Id);
            backend.BeforeRun?.Invoke(backend.Runs.Count, cell);
            return Measure(cell);
        }

        public void Dispose() { }
    }
}
