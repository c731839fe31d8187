using Fire.Models.Layers;

namespace Fire.Evaluation.Latency;

/// <summary>How many untimed warm-up calls and timed calls each measurement makes.</summary>
public sealed record LatencyOptions(int WarmupRuns = 5, int TimedRuns = 30)
{
    public void Validate()
    {
        if (WarmupRuns < 0) throw new ArgumentOutOfRangeException(nameof(WarmupRuns), $"Warm-up runs must be 0 or more, got {WarmupRuns}.");
        if (TimedRuns < 1) throw new ArgumentOutOfRangeException(nameof(TimedRuns), $"Timed runs must be at least 1, got {TimedRuns}.");
    }
}

/// <summary>
/// Times a prediction function on one batch: <see cref="LatencyOptions.WarmupRuns"/> untimed calls (JIT, caches,
/// allocator), then <see cref="LatencyOptions.TimedRuns"/> calls timed one by one. To compare defenses with the
/// undefended model, use <see cref="LatencyComparison"/>, which interleaves them.
/// </summary>
public sealed class LatencyMeter
{
    private readonly ITimingSource _clock;
    private readonly LatencyOptions _options;

    public LatencyMeter(LatencyOptions? options = null, ITimingSource? clock = null)
    {
        _options = options ?? new LatencyOptions();
        _options.Validate();
        _clock = clock ?? StopwatchTimingSource.Instance;
    }

    public LatencyStats Measure(Func<FloatBatch, int[]> predict, FloatBatch batch)
    {
        for (int i = 0; i < _options.WarmupRuns; i++) predict(batch);
        var runs = new double[_options.TimedRuns];
        for (int i = 0; i < runs.Length; i++) runs[i] = TimeOnce(predict, batch, _clock);
        return LatencyStats.From(batch.Count, runs);
    }

    /// <summary>Milliseconds one call takes; the result is checked so the call cannot be skipped.</summary>
    internal static double TimeOnce(Func<FloatBatch, int[]> predict, FloatBatch batch, ITimingSource clock)
    {
        long start = clock.Now();
        var labels = predict(batch);
        long end = clock.Now();
        if (labels.Length != batch.Count)
            throw new InvalidOperationException($"A timed prediction returned {labels.Length} labels for {batch.Count} images.");
        return (end - start) / clock.TicksPerMillisecond;
    }
}
