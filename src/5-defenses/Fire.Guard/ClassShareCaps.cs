namespace Fire.Guard;

/// <summary>
/// Per-class limits on the repair credit of unpaired estimation. Without labels, a repair that moves the observed samples
/// off the target confidently but into one wrong class (a step past the clean mean lands in the class "opposite" the
/// trigger) would score like one that restores each sample's class. The restored samples of an all-to-one attack come
/// from the non-target classes in roughly the clean reference's shares, so class c may take credit for at most
/// max(1, n p + 2 sqrt(n p (1 - p))) of the n observed samples, p its share among the non-target clean labels: the
/// count's binomial mean plus two standard deviations, and never less than one sample (k = 1 is uncapped).
/// The assumption fails for a source-specific attack, whose flagged samples all share one class.
/// </summary>
public sealed class ClassShareCaps
{
    /// <summary>Standard deviations of the binomial count a class may exceed its expected count by.</summary>
    public const double Slack = 2;

    private readonly double[] _caps;

    private ClassShareCaps(double[] caps) => _caps = caps;

    /// <summary>Caps for <paramref name="count"/> observed samples from the clean labels' shares, leaving out <paramref name="target"/>.</summary>
    public static ClassShareCaps FromLabels(IEnumerable<int> cleanLabels, int target, int classCount, int count)
    {
        var shares = new double[classCount];
        int nonTarget = 0;
        foreach (int label in cleanLabels)
        {
            if (label == target) continue;
            shares[label]++;
            nonTarget++;
        }
        var caps = new double[classCount];
        for (int c = 0; c < classCount; c++)
        {
            double p = nonTarget == 0 ? 0 : shares[c] / nonTarget;
            caps[c] = Math.Max(1, count * p + Slack * Math.Sqrt(count * p * (1 - p)));
        }
        return new ClassShareCaps(caps);
    }

    /// <summary>The most credit class <paramref name="label"/> can give, in samples.</summary>
    public double Cap(int label) => _caps[label];

    /// <summary>Sum over classes of the repaired samples' confidences in that class, each class's sum capped.</summary>
    public double Credit(IEnumerable<(int Label, float Confidence)> repaired)
    {
        var sums = new double[_caps.Length];
        foreach (var (label, confidence) in repaired) sums[label] += confidence;
        double credit = 0;
        for (int c = 0; c < sums.Length; c++) credit += Math.Min(sums[c], _caps[c]);
        return credit;
    }
}
