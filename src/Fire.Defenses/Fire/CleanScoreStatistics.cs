using Fire.Models.Layers;

namespace Fire.Defenses.LatentRepair;

/// <summary>
/// How clean inputs score along a trigger direction: mean (the projection's reference level), standard
/// deviation, and the gate threshold = the <see cref="Quantile"/> quantile of the clean scores (linear
/// interpolation between order statistics), so a share of about 1 - Quantile of clean inputs opens the gate.
/// </summary>
public sealed record CleanScoreStatistics(float Mean, float Std, float Threshold, float Quantile, int Count)
{
    public static CleanScoreStatistics Measure(TriggerDirection direction, FloatBatch cleanActivations, float quantile)
    {
        if (cleanActivations.Count == 0) throw new ArgumentException("Clean score statistics need at least one clean activation.");
        if (cleanActivations.SampleSize != direction.Dimension)
            throw new ArgumentException($"Layer '{direction.Layer}': clean activations have {cleanActivations.SampleSize} values per sample, the direction {direction.Dimension}.");
        var scores = new double[cleanActivations.Count];
        for (int i = 0; i < scores.Length; i++) scores[i] = direction.Score(cleanActivations.Sample(i));
        return FromScores(scores, quantile);
    }

    public static CleanScoreStatistics FromScores(double[] scores, float quantile)
    {
        if (scores.Length == 0) throw new ArgumentException("Clean score statistics need at least one score.");
        if (!(quantile is >= 0f and <= 1f)) throw new ArgumentOutOfRangeException(nameof(quantile), $"A quantile lies in [0, 1], got {quantile}.");
        double mean = scores.Average();
        double variance = scores.Sum(s => (s - mean) * (s - mean)) / scores.Length;
        var sorted = scores.Order().ToArray();
        double position = quantile * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        double threshold = sorted[below] + (position - below) * (sorted[above] - sorted[below]);
        return new CleanScoreStatistics((float)mean, (float)Math.Sqrt(variance), (float)threshold, quantile, scores.Length);
    }
}
