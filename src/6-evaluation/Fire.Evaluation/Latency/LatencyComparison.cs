using Fire.Defenses.Baselines;

namespace Fire.Evaluation.Latency;

/// <summary>Something to time: a name and a prediction function (an undefended model or a fitted defense).</summary>
public sealed record LatencyCandidate(string Name, Func<FloatBatch, int[]> Predict)
{
    public static LatencyCandidate From(IRuntimeDefense defense) => new(defense.Name, x => defense.Predict(x).Labels);
}

/// <summary>
/// One candidate at one batch size, with <see cref="Ratio"/> = its median call time / the undefended model's median
/// call time at the same batch size in the same run (1.00 = no overhead; at batch 128 the throughput ratio is 1 / Ratio).
/// </summary>
public sealed record LatencyRow(string Name, LatencyStats Stats, double Ratio);

public sealed record LatencyReport(string Baseline, IReadOnlyList<int> BatchSizes, IReadOnlyList<LatencyRow> Rows, LatencyOptions Options)
{
    public LatencyRow Row(string name, int batchSize) =>
        Rows.FirstOrDefault(r => r.Name == name && r.Stats.BatchSize == batchSize)
        ?? throw new ArgumentException($"No latency row for '{name}' at batch {batchSize}.");
}

/// <summary>
/// Measures the undefended model and every defense in the same run, interleaved: each round times every candidate
/// once, starting from a different candidate each round (round-robin), so drifts in machine load hit all alike.
/// Batches are cut from an image pool (cycling through it; round r starts at image r * batch), outside the timed calls;
/// all candidates see the same batch in a round. Rounds go on until every candidate has been timed as long as
/// <see cref="LatencyOptions"/> asks. Defaults: batch sizes 1 and 128, <see cref="LatencyOptions"/>' defaults.
/// </summary>
public sealed class LatencyComparison
{
    public static readonly int[] DefaultBatchSizes = { 1, 128 };

    private readonly LatencyOptions _options;
    private readonly ITimingSource _clock;

    public LatencyComparison(LatencyOptions? options = null, ITimingSource? clock = null)
    {
        _options = options ?? new LatencyOptions();
        _options.Validate();
        _clock = clock ?? StopwatchTimingSource.Instance;
    }

    public LatencyReport Run(LatencyCandidate undefended, IReadOnlyList<LatencyCandidate> defenses, FloatBatch pool, IReadOnlyList<int>? batchSizes = null)
    {
        if (pool.Count == 0) throw new ArgumentException("The latency image pool is empty.");
        batchSizes ??= DefaultBatchSizes;
        var candidates = new[] { undefended }.Concat(defenses).ToArray();
        var duplicate = candidates.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Two latency candidates are named '{duplicate.Key}'.");

        var rows = new List<LatencyRow>();
        foreach (int batchSize in batchSizes)
        {
            var timings = Interleaved(candidates, pool, batchSize);
            var stats = timings.Select(t => LatencyStats.From(batchSize, t)).ToArray();
            rows.AddRange(candidates.Select((c, i) => new LatencyRow(c.Name, stats[i], stats[i].MedianMs / stats[0].MedianMs)));
        }
        return new LatencyReport(undefended.Name, batchSizes.ToArray(), rows, _options);
    }

    private List<double>[] Interleaved(LatencyCandidate[] candidates, FloatBatch pool, int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"Batch size must be at least 1, got {batchSize}.");
        var timings = candidates.Select(_ => new List<double>()).ToArray();
        var totals = new double[candidates.Length];
        for (int round = 0; round < _options.WarmupRuns || timings.Zip(totals).Any(t => _options.NeedsMore(t.First.Count, t.Second)); round++)
        {
            var batch = CutBatch(pool, round * batchSize, batchSize);
            for (int step = 0; step < candidates.Length; step++)
            {
                int c = (round + step) % candidates.Length;
                double ms = LatencyMeter.TimeOnce(candidates[c].Predict, batch, _clock);
                if (round < _options.WarmupRuns) continue;
                timings[c].Add(ms);
                totals[c] += ms;
            }
        }
        return timings;
    }

    /// <summary><paramref name="size"/> images from the pool starting at <paramref name="start"/>, wrapping around.</summary>
    private static FloatBatch CutBatch(FloatBatch pool, int start, int size)
    {
        if (pool.Count >= size && start % pool.Count + size <= pool.Count)
            return BatchSlicing.Slice(pool, start % pool.Count, size);
        var shape = (int[])pool.Shape.Clone();
        shape[0] = size;
        var data = new float[size * pool.SampleSize];
        for (int i = 0; i < size; i++) pool.Sample((start + i) % pool.Count).CopyTo(data.AsSpan(i * pool.SampleSize, pool.SampleSize));
        return new FloatBatch(data, shape);
    }
}
