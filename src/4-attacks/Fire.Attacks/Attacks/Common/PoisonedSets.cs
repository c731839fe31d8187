using Fire.Attacks.Images;
using Fire.Data;
using Fire.Engines.Torch;
using static TorchSharp.torch;

namespace Fire.Attacks;

/// <summary>
/// Which training images an attack poisons, and the poisoned data sets themselves. Poisoned images are stored as
/// bytes again, as BackdoorBench saves them (see <see cref="PixelBytes.Quantize(float)"/>).
/// </summary>
public static class PoisonedSets
{
    private const int BatchSize = 256;

    /// <summary>round(rate * N) with Python's rounding (half to even), as BackdoorBench's pratio.</summary>
    public static int PoisonCount(int sampleCount, double rate)
    {
        CheckRate(rate, "--rate");
        return RoundedShare(rate, sampleCount);
    }

    /// <summary>round(<paramref name="ratio"/> x <paramref name="count"/>), rounding half to even as Python does.</summary>
    public static int RoundedShare(double ratio, int count) => (int)Math.Round(ratio * count, MidpointRounding.ToEven);

    /// <summary>
    /// The positions (ascending) of the training images to poison: round(rate * N) of them, N being all training
    /// images (BackdoorBench's pratio), drawn with <paramref name="seed"/> from the non-target classes (all-to-one),
    /// or from the target class only when <paramref name="cleanLabel"/>. When fewer images are eligible than
    /// requested, all eligible ones are poisoned (BackdoorBench does the same: "only maximum number of samples will
    /// be applied"), which matters for clean-label attacks on small target classes; callers report the shortfall.
    /// </summary>
    public static int[] SelectPoisoned(int[] labels, double rate, int target, bool cleanLabel, int seed)
    {
        var (eligible, requested) = Eligible(labels, rate, target, cleanLabel);
        return Draw(eligible, Math.Min(requested, eligible.Length), seed);
    }

    /// <summary>
    /// The positions that may be poisoned (non-target images, or target-class images when <paramref name="cleanLabel"/>)
    /// and round(rate * N), the number requested; an error when none can be poisoned.
    /// </summary>
    public static (int[] Eligible, int Requested) Eligible(int[] labels, double rate, int target, bool cleanLabel)
    {
        int requested = PoisonCount(labels.Length, rate);
        var eligible = Enumerable.Range(0, labels.Length).Where(i => (labels[i] == target) == cleanLabel).ToArray();
        string pool = cleanLabel ? $"images of the target class {target}" : $"images outside the target class {target}";
        if (requested == 0)
            throw new ArgumentException($"A poisoning rate of {rate} of {labels.Length} training images poisons no image; raise --rate.");
        if (eligible.Length == 0)
            throw new ArgumentException($"No training image is eligible for poisoning: the training set has no {pool}.");
        return (eligible, requested);
    }

    /// <summary>A seeded random choice of <paramref name="count"/> of <paramref name="pool"/>, ascending.</summary>
    public static int[] Draw(int[] pool, int count, int seed)
    {
        if (count < 0 || count > pool.Length) throw new ArgumentOutOfRangeException(nameof(count), $"Cannot draw {count} of {pool.Length}.");
        var order = (int[])pool.Clone();
        var random = new Random(seed);
        for (int i = 0; i < count; i++) // partial Fisher-Yates: the first count entries are a uniform sample
        {
            int j = random.Next(i, order.Length);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var chosen = order[..count];
        Array.Sort(chosen);
        return chosen;
    }

    /// <summary>Positions of the images whose true class is not <paramref name="target"/>.</summary>
    public static int[] NonTargetIndices(ImageDataset data, int target)
    {
        CheckTarget(data, target);
        return Enumerable.Range(0, data.Count).Where(i => data.Labels[i] != target).ToArray();
    }

    /// <summary>
    /// BackdoorBench's poisoned test set: the test images whose true class is not the target, with the trigger
    /// applied and stored as bytes, keeping their TRUE labels (ASR counts predictions of the target, PA of the label).
    /// </summary>
    public static ImageDataset PoisonedTestSet(ImageDataset test, ITrigger trigger, int target)
    {
        var nonTarget = test.Subset(NonTargetIndices(test, target), $"{test.Name} + {trigger.Name} (non-target classes, true labels)");
        return ApplyToImages(nonTarget, Enumerable.Range(0, nonTarget.Count).ToArray(), (images, _) => trigger.Apply(images), newLabel: null);
    }

    /// <summary>
    /// A copy of <paramref name="data"/> whose images at <paramref name="indices"/> are replaced by
    /// <paramref name="poison"/>(images in [0, 1], their positions), re-quantised to bytes, and relabelled to
    /// <paramref name="newLabel"/> when given. The other images are untouched.
    /// </summary>
    public static ImageDataset ApplyToImages(ImageDataset data, IReadOnlyList<int> indices, Func<Tensor, int[], Tensor> poison, int? newLabel)
    {
        if (newLabel is int label) CheckTarget(data, label);
        var pixels = (byte[])data.Pixels.Clone();
        var labels = (int[])data.Labels.Clone();
        int size = data.SampleSize;
        for (int start = 0; start < indices.Count; start += BatchSize)
        {
            var chunk = indices.Skip(start).Take(BatchSize).ToArray();
            var input = new float[chunk.Length * size];
            for (int i = 0; i < chunk.Length; i++)
            {
                if (chunk[i] < 0 || chunk[i] >= data.Count)
                    throw new ArgumentOutOfRangeException(nameof(indices), $"Index {chunk[i]} is outside data set '{data.Name}' of {data.Count} images.");
                PixelBytes.ToFloats(data.Image(chunk[i])).CopyTo(input, i * size);
            }
            float[] output;
            using (var scope = NewDisposeScope())
            using (var noGrad = no_grad())
            {
                var x = TorchLayeredModel.ToTensor(new FloatBatch(input, [chunk.Length, data.Channels, data.Height, data.Width]));
                output = poison(x, chunk).contiguous().data<float>().ToArray();
            }
            for (int i = 0; i < chunk.Length; i++)
            {
                PixelBytes.Quantize(output.AsSpan(i * size, size)).CopyTo(pixels, (long)chunk[i] * size);
                if (newLabel is int l) labels[chunk[i]] = l;
            }
        }
        return new ImageDataset(data.Name, pixels, labels, data.ClassNames, data.Channels, data.Height, data.Width);
    }

    public static void CheckRate(double rate, string option)
    {
        if (!(rate >= 0 && rate <= 1)) throw new ArgumentException($"{option} must be a share of the training images in [0, 1], got {rate}.");
    }

    public static void CheckTarget(ImageDataset data, int target)
    {
        if (target < 0 || target >= data.ClassCount)
            throw new ArgumentException($"--target {target} is not a class of '{data.Name}' (0..{data.ClassCount - 1}).");
    }
}
