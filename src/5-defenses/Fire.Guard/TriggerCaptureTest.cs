using System.Text.Json.Serialization;

namespace Fire.Guard;

/// <summary>
/// One layer's reading of the <see cref="TriggerCaptureTest"/>: of the flagged samples that carry the pattern (score along the
/// direction above the clean reference's gate quantile), how many the model predicts as the estimated target (captured) and how
/// many it does not, and the one-sided binomial p-value of so few captured ones if a carrier were captured at least half the time.
/// </summary>
public sealed record LayerCapture(string Layer, int CapturedCarriers, int UncapturedCarriers, double PValue);

/// <summary>
/// Whether the pattern the flagged samples share sends them to the estimated target: the defining property of a backdoor, which
/// sends most inputs that carry its trigger to one class. At each candidate layer the flags' shared pattern (mean of every
/// flagged sample minus the clean mean, <see cref="SharedPattern"/>) scores every flagged sample; those above the clean reference's <see cref="FireOptions.GateQuantile"/>
/// quantile carry the pattern. When, at some layer, significantly fewer than half of the carriers are captured (one-sided
/// binomial test against 1/2, Bonferroni over the layers at <see cref="Level"/>), the flags share a pattern that the model does
/// not follow: an inert trigger on a clean model, or a detector's false positives that share some look, with a few of them
/// confused into one class. A repair fitted there reverses nothing the model learned and moves every input that carries the
/// pattern: on a clean GTSRB model, 100 blend-triggered flags (11 predicted as class 26) gave a guard that changed 4,105 of
/// 11,940 triggered test predictions (issue 39); on a clean MNIST model the BadNets patch's "repair" cost 2 points of CA and the test ends it (docs/fire-false-flags.md). The uncaptured flags are the control
/// that needs no labels: a backdoor's flags that carry its trigger are captured (ASR), its clean false flags do not carry it.
/// Null <see cref="Layers"/>: none captured. The test needs no
/// minimum count: with few carriers the p-value cannot reach the level (all 9 uncaptured is p = 0.002).
/// What it cannot tell: a backdoor that fires on fewer than half of the inputs carrying its trigger (ASR under 50% on the flags),
/// or a source-specific backdoor flagged on images of other classes, looks like an inert pattern.
/// </summary>
/// <param name="CapturedCount">Flagged samples the model predicts as the estimated target.</param>
/// <param name="UncapturedCount">The other flagged samples.</param>
/// <param name="Level">Family-wise level; 0: measured and reported but not acted on.</param>
public sealed record TriggerCaptureTest(int CapturedCount, int UncapturedCount, double Level, IReadOnlyList<LayerCapture>? Layers)
{
    /// <summary>Some layer shows a pattern that most of the flags carrying it do not follow to the target: no backdoor to repair.</summary>
    [JsonIgnore]
    public bool InertPattern => Level > 0 && Layers is { Count: > 0 } layers && layers.Any(l => l.PValue <= Level / layers.Count);

    [JsonIgnore]
    public double? SmallestPValue => Layers is { Count: > 0 } layers ? layers.Min(l => l.PValue) : null;

    /// <summary>The layer with the smallest p-value (the most uncaptured carriers for their count).</summary>
    [JsonIgnore]
    public LayerCapture? Strongest => Layers?.MinBy(l => l.PValue);

    /// <summary>The test on the unpaired flagged samples; null for pairs (built by the defender, so no flags).</summary>
    internal static TriggerCaptureTest? Run(ILayeredModel model, IReadOnlyList<string> layers, SelectionSamples samples, CleanReference clean, FireOptions options)
    {
        int captured = samples.Captured.Count, uncaptured = samples.Count - captured;
        if (samples.Paired) return null;
        if (captured == 0) return new(captured, uncaptured, options.CaptureLevel, null);
        var readings = layers.Select(layer =>
        {
            var flagActivations = ModelRunner.Activations(model, samples.Images, layer, options.BatchSize);
            var cleanMean = clean.Means[layer].Mean();
            var direction = new TriggerDirection(layer, SharedPattern(flagActivations, cleanMean), cleanMean);
            var cleanScores = Scores(direction, clean.FitActivations(model, layer, options.BatchSize));
            return Reading(layer, Quantiles.Of(cleanScores, options.GateQuantile), Scores(direction, flagActivations), samples.Captured);
        }).ToList();
        return new(captured, uncaptured, options.CaptureLevel, readings);
    }

    /// <summary>One layer's counts of carriers (scores strictly above <paramref name="threshold"/>) and their p-value.</summary>
    internal static LayerCapture Reading(string layer, double threshold, IReadOnlyList<double> flagScores, IReadOnlySet<int> captured)
    {
        int capturedCarriers = 0, uncapturedCarriers = 0;
        for (int i = 0; i < flagScores.Count; i++)
        {
            if (!(flagScores[i] > threshold)) continue;
            if (captured.Contains(i)) capturedCarriers++;
            else uncapturedCarriers++;
        }
        return new(layer, capturedCarriers, uncapturedCarriers, LowerTailAtHalf(capturedCarriers, capturedCarriers + uncapturedCarriers));
    }

    /// <summary>P(X &lt;= <paramref name="k"/>) for X ~ Binomial(<paramref name="n"/>, 1/2): sum of C(n, i) / 2^n over i &lt;= k, in logs; 1 when n = 0.</summary>
    internal static double LowerTailAtHalf(int k, int n)
    {
        if (n < 0 || k < 0) throw new ArgumentOutOfRangeException(nameof(n), $"A binomial tail needs 0 <= k and 0 <= n, got k = {k}, n = {n}.");
        if (k >= n) return 1;
        double logChoose = 0, sum = 0, logHalfN = n * Math.Log(0.5);
        for (int i = 0; i <= k; i++)
        {
            if (i > 0) logChoose += Math.Log(n - i + 1) - Math.Log(i);
            sum += Math.Exp(logChoose + logHalfN);
        }
        return Math.Min(1, sum);
    }

    /// <summary>
    /// The mean of every flag minus the clean mean: the pattern the flags share. Not the captured flags' mean (the repair's
    /// direction): that one also holds the target class's look, so flags carrying the pattern without it scored under the clean
    /// tail. Measured on a clean MNIST model given 100 BadNets-patched flags (14 predicted as class 8): with the captured mean only
    /// 42 flags counted as carriers at conv1 (14 captured, 28 not, p = 0.022, above the level) and the patch was "repaired".
    /// </summary>
    internal static float[] SharedPattern(FloatBatch flagActivations, float[] cleanMean)
    {
        var mean = new RunningMean(flagActivations.SampleSize);
        for (int i = 0; i < flagActivations.Count; i++) mean.Add(flagActivations.Sample(i));
        var beta = mean.Mean();
        for (int d = 0; d < beta.Length; d++) beta[d] -= cleanMean[d];
        return beta;
    }

    private static double[] Scores(TriggerDirection direction, FloatBatch activations)
    {
        var scores = new double[activations.Count];
        for (int i = 0; i < scores.Length; i++) scores[i] = direction.Score(activations.Sample(i));
        return scores;
    }
}
