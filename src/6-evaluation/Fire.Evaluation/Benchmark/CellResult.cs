using Fire.Evaluation.Latency;
using Fire.Evaluation.Metrics;
using Fire.Evaluation.Repair;

namespace Fire.Evaluation.Benchmark;

/// <summary>
/// Latency of a defense and of the undefended model measured in the same run (interleaved), at batch 1 and 128;
/// each row's ratio is the defense's median call time over the undefended model's.
/// </summary>
public sealed record CellLatency(LatencyRow Batch1, LatencyRow Batch128, LatencyStats Undefended1, LatencyStats Undefended128)
{
    public static CellLatency From(LatencyReport report, string defense) => new(
        report.Row(defense, 1), report.Row(defense, 128),
        report.Row(report.Baseline, 1).Stats, report.Row(report.Baseline, 128).Stats);
}

/// <summary>
/// What one cell measured. <see cref="Auroc"/>: detection AUROC of the defense's scores (clean test vs poisoned test)
/// when it returns scores (STRIP; FIRE cells report none). <see cref="Streaming"/>: FIRE's curve over the number of
/// observed samples (null for other defenses). <see cref="Plan"/>: FIRE's chosen repair at <see cref="Observed"/>.
/// <see cref="FitSeconds"/>: time to fit on the defender's data (null for FIRE, which is fitted along its streaming curve).
/// </summary>
public sealed record CellMeasurement(
    BackdoorMetrics Metrics,
    int Observed,
    double? FitSeconds,
    CellLatency? Latency = null,
    double? Auroc = null,
    IReadOnlyList<StreamingPoint>? Streaming = null,
    string? Plan = null);

/// <summary>
/// One entry of the results file: the cell, the fingerprint of what produced it (cell and recipe; a different
/// fingerprint means the entry is stale), the cached model it used, and either a measurement or the error that stopped it.
/// </summary>
public sealed record CellResult(
    BenchmarkCell Cell,
    string Fingerprint,
    BenchmarkRecipe Recipe,
    string? ModelKey,
    CellMeasurement? Measurement,
    string? Error,
    double Seconds,
    DateTimeOffset FinishedAt)
{
    /// <summary>Whether this entry answers <paramref name="fingerprint"/> for good (measured, and by the same recipe).</summary>
    public bool Finishes(string fingerprint) => Fingerprint == fingerprint && Measurement is not null && Error is null;
}
