namespace Fire.Evaluation.Latency;

/// <summary>
/// How many untimed warm-up calls each measurement makes, and how long it times: at least <see cref="TimedRuns"/>
/// calls and at least <see cref="MinTimedSeconds"/> of timed calls per candidate (so a fast call, such as one image
/// through a small model, is timed thousands of times and its median is stable), up to <see cref="MaxTimedRuns"/>.
/// </summary>
public sealed record LatencyOptions(int WarmupRuns = 5, int TimedRuns = 30, double MinTimedSeconds = 1.0)
{
    /// <summary>A bound on timed calls per candidate, whatever the clock says.</summary>
    public const int MaxTimedRuns = 100_000;

    public void Validate()
    {
        if (WarmupRuns < 0) throw new ArgumentOutOfRangeException(nameof(WarmupRuns), $"Warm-up runs must be 0 or more, got {WarmupRuns}.");
        if (TimedRuns is < 1 or > MaxTimedRuns)
            throw new ArgumentOutOfRangeException(nameof(TimedRuns), $"Timed runs must be between 1 and {MaxTimedRuns:N0}, got {TimedRuns}.");
        if (!double.IsFinite(MinTimedSeconds) || MinTimedSeconds < 0)
            throw new ArgumentOutOfRangeException(nameof(MinTimedSeconds), $"The minimum timed duration must be 0 s or more, got {MinTimedSeconds}.");
    }

    /// <summary>Whether a candidate timed <paramref name="runs"/> times for <paramref name="totalMs"/> in all needs more calls.</summary>
    public bool NeedsMore(int runs, double totalMs) =>
        runs < TimedRuns || (totalMs < MinTimedSeconds * 1000 && runs < MaxTimedRuns);

    /// <summary>For reports: "5 warm-up calls, then at least 30 timed calls and 1 s of timed calls per candidate and batch size".</summary>
    public string Describe() =>
        $"{WarmupRuns} warm-up calls, then at least {TimedRuns} timed calls" +
        (MinTimedSeconds > 0 ? $" and {MinTimedSeconds:0.##} s of timed calls" : "") + " per candidate and batch size";
}

/// <summary>
/// Times a prediction function on one batch: <see cref="LatencyOptions.WarmupRuns"/> untimed calls (JIT, caches,
/// allocator), then calls timed one by one for as long as <see cref="LatencyOptions"/> asks. To compare defenses with the
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
        var runs = new List<double>();
        double total = 0;
        while (_options.NeedsMore(runs.Count, total))
        {
            runs.Add(TimeOnce(predict, batch, _clock));
            total += runs[^1];
        }
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
