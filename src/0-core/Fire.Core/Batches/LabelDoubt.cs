namespace Fire.Core;

/// <summary>
/// How far a model is from certain of a label: 1 - softmax(logits)[label], kept precise where the label's probability is
/// close to 1 (where 1 - p in floating point would round to 0 and tie every confident input). Detectors that score
/// "does the model keep believing the input's label" (IBD-PSC, SCALE-UP's tie-break) use it.
/// </summary>
public static class LabelDoubt
{
    /// <summary>1 - softmax(<paramref name="logits"/>)[<paramref name="label"/>], summed over the other classes.</summary>
    public static double Of(ReadOnlySpan<float> logits, int label)
    {
        if ((uint)label >= (uint)logits.Length)
            throw new ArgumentOutOfRangeException(nameof(label), $"Label {label} is outside {logits.Length} classes.");
        double max = double.NegativeInfinity;
        foreach (float z in logits) max = Math.Max(max, z);
        double partition = 0, others = 0;
        for (int k = 0; k < logits.Length; k++)
        {
            double e = Math.Exp(logits[k] - max);
            partition += e;
            if (k != label) others += e;
        }
        return others / partition;
    }

    /// <summary>The certainty of a mean doubt d: -ln d, 0 for d = 1 and at most -ln(double.Epsilon) (about 744) where
    /// the model is certain: higher = more certain, with the precision of d kept.</summary>
    public static double Certainty(double meanDoubt) => -Math.Log(Math.Max(meanDoubt, double.Epsilon));
}
