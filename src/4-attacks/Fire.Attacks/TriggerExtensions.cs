using Fire.Engines.Torch;
using static TorchSharp.torch;

namespace Fire.Attacks;

public static class TriggerExtensions
{
    /// <summary>The triggered copy of an engine-neutral batch of images in [0, 1], (N, C, H, W).</summary>
    public static FloatBatch Apply(this ITrigger trigger, FloatBatch images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return TorchLayeredModel.ToBatch(trigger.Apply(TorchLayeredModel.ToTensor(images)));
    }
}
