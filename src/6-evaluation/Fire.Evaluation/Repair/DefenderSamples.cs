using Fire.Attacks;
using Fire.Data;
using Fire.Defenses.Baselines;
using Fire.Guard;

namespace Fire.Evaluation.Repair;

/// <summary>
/// What the defender holds in the evaluation setting, all from the TRAINING split and seeded: a clean labelled
/// reference set and a disjoint pool of observed poisoned samples (triggered images of non-target classes) in a fixed
/// order, so that observing k samples always means the first k of the pool (the streaming curve's points are nested).
/// </summary>
public sealed class DefenderSamples
{
    private DefenderSamples(FloatBatch clean, int[] cleanLabels, FloatBatch originals, FloatBatch poisoned)
    {
        Clean = clean;
        CleanLabels = cleanLabels;
        Originals = originals;
        Poisoned = poisoned;
    }

    public FloatBatch Clean { get; }
    public int[] CleanLabels { get; }
    /// <summary>The clean originals of <see cref="Poisoned"/>, row by row (for paired estimation).</summary>
    public FloatBatch Originals { get; }
    public FloatBatch Poisoned { get; }
    public int PoolSize => Poisoned.Count;

    public static DefenderSamples Draw(ImageDataset train, ITrigger trigger, int target, int cleanCount, int observedCount, int seed)
    {
        if (observedCount < 1) throw new ArgumentException($"At least one observed poisoned sample is needed, got {observedCount}.");
        if (cleanCount >= train.Count) throw new ArgumentException($"A clean reference of {cleanCount} images leaves none of the {train.Count} training images to poison.");
        var order = Shuffled(train, cleanCount, seed);
        var clean = order[..cleanCount];
        var observed = order[cleanCount..].Where(i => train.Labels[i] != target).Take(observedCount).ToArray();
        if (observed.Length < observedCount)
            throw new ArgumentException($"The training split has only {observed.Length} non-target images beyond the clean reference; {observedCount} were asked for.");
        var originals = ImageBatches.From(train, observed);
        return new DefenderSamples(ImageBatches.From(train, clean), clean.Select(i => train.Labels[i]).ToArray(), originals, trigger.Apply(originals));
    }

    /// <summary>The clean reference alone, the same images <see cref="Draw"/> takes for it (for a defender whose flagged samples come from elsewhere).</summary>
    public static (FloatBatch Images, int[] Labels) DrawClean(ImageDataset train, int cleanCount, int seed)
    {
        var clean = Shuffled(train, cleanCount, seed)[..cleanCount];
        return (ImageBatches.From(train, clean), clean.Select(i => train.Labels[i]).ToArray());
    }

    /// <summary>The training split's indices in a seeded order; the first <paramref name="cleanCount"/> are the clean reference.</summary>
    private static int[] Shuffled(ImageDataset train, int cleanCount, int seed)
    {
        if (cleanCount < 2) throw new ArgumentException($"The clean reference set needs at least 2 images, got {cleanCount}.");
        if (cleanCount > train.Count) throw new ArgumentException($"A clean reference of {cleanCount} images was asked for; the training split has {train.Count}.");
        var order = Enumerable.Range(0, train.Count).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }

    /// <summary>Rows [from, to) of the pool: the originals and their poisoned copies.</summary>
    public (FloatBatch Originals, FloatBatch Poisoned) Range(int from, int to) =>
        (BatchSlicing.Slice(Originals, from, to - from), BatchSlicing.Slice(Poisoned, from, to - from));
}
