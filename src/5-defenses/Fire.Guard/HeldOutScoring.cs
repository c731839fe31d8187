namespace Fire.Guard;

/// <summary>A candidate's held-out measurement: repair rate, repair score and the score's standard error.</summary>
internal readonly record struct HeldOutScore(double Rate, double Score, double StandardError);

/// <summary>
/// The held-out repair score of one prediction per observed sample (each from a repair fitted without it, see
/// <see cref="LayerScorer"/>): the mean over the scored samples (<see cref="SelectionSamples.Scored"/>) of the repaired
/// prediction's confidence (its softmax probability) where the sample counts as repaired, 0 elsewhere.
/// The confidence tells a repair that restores a class from one that only pushes the sample off t into a region no
/// class claims: a single direction at a deep layer does the latter for full-image triggers, and a bare count of
/// "no longer t" cannot see it (measured in docs/fire-resnet20.md). Unpaired, each class's credit is capped by its
/// share of the clean reference (<see cref="ClassShareCaps"/>): confidence alone also rewards a step past the clean
/// mean that sends the samples, sure of themselves, into one wrong class (measured in docs/fire.md, CIFAR-10 SIG).
/// The bare count is reported as the repair rate.
/// </summary>
internal sealed class HeldOutScoring
{
    private readonly SelectionSamples _samples;
    private readonly ClassShareCaps? _caps;

    public HeldOutScoring(SelectionSamples samples, CleanReference clean, int classCount)
    {
        _samples = samples;
        // Paired repair is checked against each sample's own class, so needs no class-share cap.
        _caps = samples.Paired ? null : ClassShareCaps.FromLabels(clean.FitLabels.Concat(clean.HoldoutLabels), samples.Target, classCount, samples.ScoredCount);
    }

    /// <summary>Repair rate, confidence-weighted repair score and the score's standard error over one prediction per observed sample.</summary>
    public HeldOutScore Measure(IEnumerable<(int Sample, int Label, float Confidence)> outcomes)
    {
        var repaired = new List<(int Label, float Confidence)>();
        var credits = new List<double>(_samples.ScoredCount);
        foreach (var (sample, label, confidence) in outcomes)
        {
            if (!_samples.Scored(sample)) continue;
            bool isRepaired = _samples.Repaired(sample, label);
            if (isRepaired) repaired.Add((label, confidence));
            credits.Add(isRepaired ? confidence : 0);
        }
        double credit = _caps?.Credit(repaired) ?? repaired.Sum(o => (double)o.Confidence);
        return new((double)repaired.Count / _samples.ScoredCount, credit / _samples.ScoredCount, StandardError(credits));
    }

    /// <summary>The undefended model's own score: what a repair must beat.</summary>
    public HeldOutScore Unrepaired() =>
        Measure(Enumerable.Range(0, _samples.Count).Select(i => (i, _samples.Unrepaired.Labels[i], _samples.Unrepaired.Confidences[i])));

    /// <summary>
    /// Standard error of a mean of per-sample credits (before the class caps, which bind only on the sum): the sample
    /// standard deviation over the square root of the count; 0 for fewer than 2 samples.
    /// </summary>
    public static double StandardError(IReadOnlyList<double> values)
    {
        int n = values.Count;
        if (n < 2) return 0;
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (n - 1);
        return Math.Sqrt(variance / n);
    }
}
