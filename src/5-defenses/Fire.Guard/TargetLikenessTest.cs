using System.Numerics.Tensors;
using System.Text.Json.Serialization;

namespace Fire.Guard;

/// <summary>One layer's permutation p-value: how often flagged samples and clean target images, shuffled, lie as far apart as they do.</summary>
public sealed record LayerPValue(string Layer, double PValue);

/// <summary>
/// Whether the flagged samples the model predicts as the estimated target differ from the clean reference's images of that
/// class (those it classifies as the target) at any candidate layer. A backdoor's flags are other classes' images carrying a
/// trigger and differ at once; flags that are plain images of the target class (false flags) do not differ at any layer, and
/// a repair fitted on them only takes the class away (docs/fire-false-flags.md). Null <see cref="Layers"/>: too few samples
/// on either side to test, so the test does not apply.
/// </summary>
/// <param name="FlaggedCount">The flagged samples the model predicts as the estimated target (at most <see cref="MaxSamples"/> of them are tested).</param>
/// <param name="TargetImageCount">The clean reference's images of the target that the model classifies as it (likewise).</param>
/// <param name="Level">Family-wise level: the samples differ when some layer's p-value is at most Level / layers (Bonferroni).</param>
public sealed record TargetLikenessTest(int FlaggedCount, int TargetImageCount, double Level, IReadOnlyList<LayerPValue>? Layers)
{
    /// <summary>Fewest flagged samples and fewest clean target images the test runs on.</summary>
    public const int MinSamples = 10;
    /// <summary>At most this many samples of each side (a seeded draw) enter the test, bounding its cost.</summary>
    public const int MaxSamples = 200;
    public const int Permutations = 1999;

    /// <summary>
    /// Shuffles for a test over <paramref name="layers"/> layers: 1999 while the smallest p-value they can give (1 / 2000)
    /// reaches the Bonferroni threshold Level / layers (up to 20 layers at the default level: every zoo model), else enough
    /// for half that threshold. An ONNX graph has 20 and more candidate layers: with 1999 shuffles the test could never
    /// find a difference there, so FIRE took every flag for a false one and never repaired.
    /// </summary>
    public static int PermutationsFor(int layers, double level) =>
        level <= 0 || 1.0 / (Permutations + 1) <= level / layers ? Permutations : (int)Math.Min(1_000_000, Math.Ceiling(2 * layers / level) - 1);

    /// <summary>The flagged samples look like plain images of the target at every layer: there is no trigger to repair.</summary>
    [JsonIgnore]
    public bool LooksLikeTarget => Level > 0 && Layers is { Count: > 0 } layers && layers.All(l => l.PValue > Level / layers.Count);

    [JsonIgnore]
    public double? SmallestPValue => Layers is { Count: > 0 } layers ? layers.Min(l => l.PValue) : null;

    internal static TargetLikenessTest Run(ILayeredModel model, IReadOnlyList<string> layers, FloatBatch flagged, FloatBatch targetImages, FireOptions options)
    {
        if (flagged.Count < MinSamples || targetImages.Count < MinSamples)
            return new(flagged.Count, targetImages.Count, options.TargetLikenessLevel, null);
        var random = new Random(Seeds.For(options.Seed, Seeds.TargetLikeness, flagged.Count));
        flagged = AtMost(flagged, random);
        targetImages = AtMost(targetImages, random);
        var pooled = BatchOps.Concat([flagged, targetImages]);
        var pValues = layers.Select(layer => new LayerPValue(layer,
            PValue(CentredGram(ModelRunner.Activations(model, pooled, layer, options.BatchSize)), flagged.Count, random,
                PermutationsFor(layers.Count, options.TargetLikenessLevel)))).ToList();
        return new(flagged.Count, targetImages.Count, options.TargetLikenessLevel, pValues);
    }

    private static FloatBatch AtMost(FloatBatch samples, Random random)
    {
        if (samples.Count <= MaxSamples) return samples;
        var rows = Enumerable.Range(0, samples.Count).ToArray();
        random.Shuffle(rows);
        return BatchOps.Rows(samples, rows[..MaxSamples].Order().ToArray());
    }

    /// <summary>
    /// Permutation p-value of the squared distance between the means of the first <paramref name="first"/> rows and the
    /// rest, from their centred Gram matrix: (1 + shuffles at least as far apart) / (1 + shuffles).
    /// </summary>
    internal static double PValue(double[,] gram, int first, Random random, int permutations = Permutations)
    {
        int n = gram.GetLength(0);
        var order = Enumerable.Range(0, n).ToArray();
        double observed = GroupSum(gram, order, first);
        int asFar = 0;
        for (int p = 0; p < permutations; p++)
        {
            random.Shuffle(order);
            if (GroupSum(gram, order, first) >= observed * (1 - 1e-9)) asFar++;
        }
        return (1.0 + asFar) / (1.0 + permutations);
    }

    /// <summary>
    /// With centred samples (every row of G sums to 0), the squared distance between the means of a group A of n1 and the
    /// rest B of n2 is (1/n1 + 1/n2)^2 times the sum of G over A x A, which equals the sum over B x B: so for fixed group
    /// sizes that sum, over the smaller group, ranks the shuffles as the distance does.
    /// </summary>
    internal static double GroupSum(double[,] gram, int[] order, int first)
    {
        var (from, to) = first <= order.Length - first ? (0, first) : (first, order.Length);
        double sum = 0;
        for (int i = from; i < to; i++)
        for (int j = from; j < to; j++)
            sum += gram[order[i], order[j]];
        return sum;
    }

    /// <summary>
    /// Inner products of every pair of samples, centred on their mean (which leaves mean distances unchanged and keeps the sums
    /// well conditioned). Centres <paramref name="activations"/> in place: callers hand over a batch they no longer need, which
    /// saves a copy of up to 400 samples per layer.
    /// </summary>
    internal static double[,] CentredGram(FloatBatch activations)
    {
        int n = activations.Count, d = activations.SampleSize;
        var mean = new float[d];
        for (int i = 0; i < n; i++) TensorPrimitives.Add(mean, activations.Sample(i), mean);
        TensorPrimitives.Divide(mean, n, mean);
        for (int i = 0; i < n; i++) TensorPrimitives.Subtract(activations.Sample(i), mean, activations.Sample(i));
        var gram = new double[n, n];
        for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++)
            gram[i, j] = gram[j, i] = TensorPrimitives.Dot<float>(activations.Sample(i), activations.Sample(j));
        return gram;
    }
}
