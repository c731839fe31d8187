namespace Fire.Evaluation.Latency;

/// <summary>
/// Summary of repeated timings of one call on a batch of <see cref="BatchSize"/> images: median and spread (10th and
/// 90th percentiles, linear interpolation; min and max) in milliseconds per call.
/// </summary>
public sealed record LatencyStats(int BatchSize, int Runs, double MedianMs, double P10Ms, double P90Ms, double MinMs, double MaxMs)
{
    /// <summary>Median milliseconds per image (the batch-1 figure).</summary>
    public double MsPerSample => MedianMs / BatchSize;
    /// <summary>Images per second at the median call time (the batch-128 figure).</summary>
    public double ImagesPerSecond => BatchSize * 1000.0 / MedianMs;

    public static LatencyStats From(int batchSize, IReadOnlyList<double> runMs)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"Batch size must be at least 1, got {batchSize}.");
        if (runMs.Count == 0) throw new ArgumentException("Latency statistics need at least one timed run.");
        var sorted = runMs.Order().ToArray();
        return new LatencyStats(batchSize, sorted.Length,
            Quantiles.OfSorted(sorted, 0.5), Quantiles.OfSorted(sorted, 0.1), Quantiles.OfSorted(sorted, 0.9),
            sorted[0], sorted[^1]);
    }
}
