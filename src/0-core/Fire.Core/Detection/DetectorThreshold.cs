namespace Fire.Core;

/// <summary>
/// A detector's decision threshold, read off the clean reference's scores so that a share
/// <see cref="FalsePositiveRate"/> of the clean reference would be flagged: the (1 - rate) quantile of the clean scores,
/// an input being flagged when its score is strictly above it.
/// </summary>
public sealed record DetectorThreshold(double FalsePositiveRate, double Value)
{
    public static DetectorThreshold Calibrate(IReadOnlyList<float> cleanScores, double falsePositiveRate)
    {
        if (cleanScores.Count == 0) throw new ArgumentException("A detector threshold needs the clean reference's scores; none were given.");
        if (!(falsePositiveRate >= 0 && falsePositiveRate < 1))
            throw new ArgumentOutOfRangeException(nameof(falsePositiveRate), $"A false-positive rate must be in [0, 1), got {falsePositiveRate}.");
        foreach (float score in cleanScores)
            if (!float.IsFinite(score)) throw new ArgumentException("A detector returned a non-finite score on the clean reference; its threshold cannot be calibrated.");
        return new DetectorThreshold(falsePositiveRate, Quantiles.Of(cleanScores.Select(s => (double)s), 1 - falsePositiveRate));
    }

    public bool Flags(float score) => score > Value;

    public bool[] Flags(IReadOnlyList<float> scores) => scores.Select(Flags).ToArray();
}
