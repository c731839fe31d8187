using Fire.Engines.Torch;
using Fire.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Fire.Attacks;

/// <summary>
/// WaNet's on-the-fly poisoning, after augmentation and before the model: in each training batch the samples at
/// the epoch's poisoned positions are warped and relabelled to the target (kept, clean-label), and those at its noise
/// positions get the warp plus fresh per-pixel noise and keep their label (the "noise mode" that stops the model from
/// learning any warp as the trigger). Then the whole batch, clean images included, goes through
/// <paramref name="rotation"/> when given. The positions come from an <see cref="EpochSelection"/>; the noise and the
/// rotations are drawn from generators seeded by (seed, epoch, batch), so a run repeats exactly. Validation batches
/// pass unchanged.
/// </summary>
public sealed class WaNetPoisoning(WaNetTrigger trigger, EpochSelection selection, int? target, int seed, RandomRotation? rotation = null)
    : IBatchTransform
{
    public (Tensor Images, Tensor Labels) Apply(Tensor images, Tensor labels, int[] indices, int epoch, bool training)
    {
        if (!training) return (images, labels);
        var (poisoned, noise) = selection.For(epoch);
        var bd = Rows(indices, poisoned);
        var cross = Rows(indices, noise);
        if (bd.Length == 0 && cross.Length == 0 && rotation is null) return (images, labels);
        // Every temporary stays in this scope until the end: one that nothing held was freed by its finalizer while
        // libtorch still read it, when a caller had no scope of its own (docs/platform.md).
        using var scope = NewDisposeScope();
        var x = images.clone();
        var y = labels.clone();
        if (bd.Length > 0)
        {
            var rows = tensor(bd);
            x.index_copy_(0, rows, trigger.Apply(x.index_select(0, rows)));
            if (target is int t) y.index_fill_(0, rows, HeldScalars.Of(t));
        }
        if (cross.Length > 0)
        {
            var rows = tensor(cross);
            using var generator = new Generator((ulong)(uint)Seeds.For(seed, epoch, indices[0]));
            x.index_copy_(0, rows, trigger.ApplyNoise(x.index_select(0, rows), generator));
        }
        if (rotation is not null)
        {
            using var generator = new Generator((ulong)(uint)Seeds.For(seed, Seeds.Rotation, Seeds.For(epoch, indices[0])));
            x = rotation.Apply(x, generator);
        }
        return (x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }

    private static long[] Rows(int[] indices, IReadOnlySet<int> selected) =>
        Enumerable.Range(0, indices.Length).Where(i => selected.Contains(indices[i])).Select(i => (long)i).ToArray();
}
