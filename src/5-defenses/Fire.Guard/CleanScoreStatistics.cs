namespace Fire.Guard;

/// <summary>
/// How inputs score along a trigger direction. <see cref="Mean"/> and <see cref="Std"/> are those of the clean reference
/// (the mean is the projection's reference level). The gate opens above <see cref="Threshold"/>, the lower of two
/// quantiles (linear interpolation between order statistics): the <see cref="Quantile"/> quantile of the clean scores,
/// so that about 1 - Quantile of clean inputs open it, and, when observed poisoned samples are given, the 1 - Quantile
/// quantile of theirs (<see cref="PoisonedFloor"/>), so that it opens for all but about that share of them too.
/// The clean quantile alone let a trigger's weaker samples (scores in the clean tail) pass unrepaired: measured on
/// GTSRB Blended, where the gate let 9.1% ASR through against 4.6% for the ungated projection (docs/fire-20-epochs.md).
/// Callers pass only the samples the backdoor captured (predicted as the target): a flagged sample the trigger failed
/// on scores near the clean mean and would open the gate for half the clean inputs (measured: CIFAR-10 IAD, paired,
/// where that cost every fc1 gate the clean guard and the choice fell to a worse layer, ASR 34%).
/// From k samples the floor cannot reach below about their minimum (1 / (k + 1) of the trigger's inputs stay under it);
/// taking the lower of it and a normal estimate (mean - 2.33 sd) was measured at k = 10 and 20 and not kept: it changed
/// few choices and no mean (docs/fire-small-k.md).
/// </summary>
public sealed record CleanScoreStatistics(float Mean, float Std, float Threshold, float Quantile, int Count, float? PoisonedFloor = null)
{
    public static CleanScoreStatistics Measure(TriggerDirection direction, FloatBatch cleanActivations, float quantile, FloatBatch? poisonedActivations = null) =>
        Measure(direction, cleanActivations, quantile, poisonedActivations is null ? [] : [poisonedActivations]);

    /// <summary>The same, with the observed poisoned activations in parts (a served guard keeps them as they arrived).</summary>
    public static CleanScoreStatistics Measure(TriggerDirection direction, FloatBatch cleanActivations, float quantile, IReadOnlyList<FloatBatch> poisonedParts)
    {
        if (cleanActivations.Count == 0) throw new ArgumentException("Clean score statistics need at least one clean activation.");
        var poisoned = poisonedParts.SelectMany(part => Scores(direction, part, "poisoned")).ToArray();
        return FromScores(Scores(direction, cleanActivations, "clean"), quantile, poisoned.Length > 0 ? poisoned : null);
    }

    /// <summary>
    /// The same, with the observed poisoned samples given as <paramref name="poisonedRows"/> of <paramref name="poisoned"/>: the
    /// automatic choice measures a floor for every fold and density from the rows of one batch, and copying them cost 40 MB of
    /// a k = 320 re-selection at one layer.
    /// </summary>
    public static CleanScoreStatistics Measure(TriggerDirection direction, FloatBatch cleanActivations, float quantile, FloatBatch poisoned, IReadOnlyList<int> poisonedRows)
    {
        ArgumentNullException.ThrowIfNull(poisonedRows);
        if (cleanActivations.Count == 0) throw new ArgumentException("Clean score statistics need at least one clean activation.");
        var scores = Scores(direction, poisoned, "poisoned", poisonedRows);
        return FromScores(Scores(direction, cleanActivations, "clean"), quantile, scores.Length > 0 ? scores : null);
    }

    public static CleanScoreStatistics FromScores(double[] scores, float quantile, double[]? poisonedScores = null)
    {
        if (scores.Length == 0) throw new ArgumentException("Clean score statistics need at least one score.");
        if (!(quantile is >= 0f and <= 1f)) throw new ArgumentOutOfRangeException(nameof(quantile), $"A quantile lies in [0, 1], got {quantile}.");
        double mean = scores.Average();
        double variance = scores.Sum(s => (s - mean) * (s - mean)) / scores.Length;
        double threshold = Quantiles.Of(scores, quantile);
        float? floor = poisonedScores is { Length: > 0 } ? (float)Quantiles.Of(poisonedScores, 1 - quantile) : null;
        return new CleanScoreStatistics((float)mean, (float)Math.Sqrt(variance), Math.Min((float)threshold, floor ?? float.PositiveInfinity),
            quantile, scores.Length, floor);
    }

    /// <summary>How many clean standard deviations <paramref name="score"/> lies above the clean mean; null when the clean scores do not vary.</summary>
    public double? StandardScore(double score) => Std > 0 ? (score - Mean) / Std : null;

    /// <summary>The scores of <paramref name="rows"/> of <paramref name="activations"/> (all of them when null).</summary>
    private static double[] Scores(TriggerDirection direction, FloatBatch activations, string kind, IReadOnlyList<int>? rows = null)
    {
        if (activations.SampleSize != direction.Dimension)
            throw new ArgumentException($"Layer '{direction.Layer}': {kind} activations have {activations.SampleSize} values per sample, the direction {direction.Dimension}.");
        var scores = new double[rows?.Count ?? activations.Count];
        for (int i = 0; i < scores.Length; i++) scores[i] = direction.Score(activations.Sample(rows is null ? i : rows[i]));
        return scores;
    }
}
