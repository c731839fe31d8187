using Fire.Evaluation.Benchmark;
using Fire.Evaluation.Metrics;
using Fire.Evaluation.Repair;

namespace Fire.Evaluation.Reports;

/// <summary>Latency figures of a defense: batch-1 median ms per image with its 10th-90th percentile spread, batch-128 throughput, and ratios to the undefended model.</summary>
public sealed record LatencySummary(double MsPerImage, double P10Ms, double P90Ms, double ImagesPerSecond128, double Ratio1, double Ratio128);

/// <summary>
/// One defense on one (data set, architecture, attack), averaged over the seeds measured (<see cref="Seeds"/>; 0 when
/// none was). <see cref="Error"/> holds the first failure when no seed was measured; <see cref="Plan"/> FIRE's chosen
/// repair (first seed's).
/// </summary>
public sealed record DefenseSummary(string Defense, int Seeds, BackdoorMetrics? Metrics, double? Auroc, LatencySummary? Latency,
    IReadOnlyList<StreamingPoint>? Streaming, string? Error, string? Plan = null)
{
    public bool IsFire => BenchmarkDefense.Parse(Defense).IsFire;
    public bool IsNone => BenchmarkDefense.Parse(Defense).IsNone;
    public bool IsDetector => BenchmarkDefense.Parse(Defense).IsDetector;

    /// <summary>The summary of <paramref name="defense"/> from its cells' results (one per seed; missing ones skipped).</summary>
    public static DefenseSummary From(string defense, IReadOnlyList<CellResult> results)
    {
        var measured = results.Where(r => r.Measurement is not null).Select(r => r.Measurement!).ToList();
        if (measured.Count == 0)
            return new DefenseSummary(defense, 0, null, null, null, null, results.Select(r => r.Error).FirstOrDefault(e => e is not null));
        var metrics = new BackdoorMetrics(
            Mean(measured, m => m.Metrics.CleanAccuracy), Mean(measured, m => m.Metrics.AttackSuccessRate), Mean(measured, m => m.Metrics.PoisonedAccuracy),
            Mean(measured, m => m.Metrics.CleanAbstentionRate), Mean(measured, m => m.Metrics.PoisonedAbstentionRate));
        double? auroc = measured.All(m => m.Auroc is not null) ? Mean(measured, m => m.Auroc!.Value) : null;
        var timed = measured.Where(m => m.Latency is not null).Select(m => m.Latency!).ToList();
        LatencySummary? latency = timed.Count == 0 ? null : new LatencySummary(
            Mean(timed, l => l.Batch1.Stats.MsPerSample), Mean(timed, l => l.Batch1.Stats.P10Ms), Mean(timed, l => l.Batch1.Stats.P90Ms),
            Mean(timed, l => l.Batch128.Stats.ImagesPerSecond), Mean(timed, l => l.Batch1.Ratio), Mean(timed, l => l.Batch128.Ratio));
        return new DefenseSummary(defense, measured.Count, metrics, auroc, latency, MeanCurve(measured), null, measured[0].Plan);
    }

    /// <summary>The streaming curve averaged point by point over the seeds (the points all seeds share).</summary>
    private static IReadOnlyList<StreamingPoint>? MeanCurve(IReadOnlyList<CellMeasurement> measured)
    {
        var curves = measured.Select(m => m.Streaming).Where(c => c is { Count: > 0 }).Select(c => c!).ToList();
        if (curves.Count == 0) return null;
        var shared = curves.Select(c => c.Select(p => p.Observed)).Aggregate((a, b) => a.Intersect(b)).Order().ToList();
        return shared.Select(k =>
        {
            var points = curves.Select(c => c.First(p => p.Observed == k)).ToList();
            var metrics = new BackdoorMetrics(Mean(points, p => p.Metrics.CleanAccuracy), Mean(points, p => p.Metrics.AttackSuccessRate),
                Mean(points, p => p.Metrics.PoisonedAccuracy), Mean(points, p => p.Metrics.CleanAbstentionRate), Mean(points, p => p.Metrics.PoisonedAbstentionRate));
            return new StreamingPoint(k, metrics, points[0].Plan, points[0].EstimatedTarget);
        }).ToList();
    }

    private static double Mean<T>(IReadOnlyList<T> items, Func<T, double> value) => items.Average(value);
}

/// <summary>Every defense of the matrix on one backdoored (data set, architecture, attack), in the matrix's defense order.</summary>
public sealed record SettingSummary(string Dataset, string Architecture, string Attack, IReadOnlyList<DefenseSummary> Defenses)
{
    public string Title => $"{Dataset} / {Architecture} / {Attack}";
    public DefenseSummary? Undefended => Defenses.FirstOrDefault(d => d.IsNone && d.Metrics is not null);
    /// <summary>Measured defenses other than the undefended model.</summary>
    public IEnumerable<DefenseSummary> Mitigations => Defenses.Where(d => !d.IsNone && d.Metrics is not null);

    /// <summary>
    /// The settings of <paramref name="matrix"/>, summarised from <paramref name="results"/>: only results produced by the
    /// matrix's recipe count (cells of other matrices and stale results are ignored).
    /// </summary>
    public static IReadOnlyList<SettingSummary> Aggregate(BenchmarkMatrix matrix, IReadOnlyList<CellResult> results)
    {
        var byId = results.GroupBy(r => r.Cell.Id).ToDictionary(g => g.Key, g => g.Last());
        CellResult? Current(BenchmarkCell cell) =>
            byId.GetValueOrDefault(cell.Id) is { } r && r.Fingerprint == BenchmarkRunner.Fingerprint(cell, matrix.Recipe) ? r : null;
        return matrix.Cells()
            .GroupBy(c => (c.Dataset, c.Architecture, c.Attack))
            .Select(setting => new SettingSummary(setting.Key.Dataset, setting.Key.Architecture, setting.Key.Attack,
                setting.GroupBy(c => c.Defense)
                    .Select(d => DefenseSummary.From(d.Key, d.Select(Current).OfType<CellResult>().ToList()))
                    .ToList()))
            .ToList();
    }
}
