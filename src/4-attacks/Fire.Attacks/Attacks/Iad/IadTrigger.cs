using Fire.Engines.Torch;
using static TorchSharp.torch;

namespace Fire.Attacks;

/// <summary>
/// The input-aware dynamic trigger: a pattern and a mask computed from the image itself by two trained networks,
/// x' = x + (G(x) - x) * threshold(M(x)). Deterministic for given weights: both networks run in eval mode
/// (batch normalisation uses its running statistics) without gradients.
/// </summary>
public sealed class IadTrigger : ImageTrigger
{
    public const string TriggerName = "iad";

    public IadTrigger(IadNetworks networks) : base(TriggerName, networks.Shape) => Networks = networks;

    public IadNetworks Networks { get; }
    private IadGenerator Generator => Networks.Generator;
    private IadGenerator MaskNet => Networks.MaskNet;

    protected override Tensor Transform(Tensor images)
    {
        bool generatorTraining = Generator.training, maskTraining = MaskNet.training;
        Generator.eval();
        MaskNet.eval();
        try
        {
            using var noGrad = no_grad();
            return Compose(images, Generator.call(images), IadGenerator.Threshold(MaskNet.call(images)));
        }
        finally
        {
            if (generatorTraining) Generator.train();
            if (maskTraining) MaskNet.train();
        }
    }

    /// <summary>x + (pattern - x) * mask: the pattern where the mask is 1, the image where it is 0.</summary>
    public static Tensor Compose(Tensor images, Tensor pattern, Tensor mask)
    {
        using var scope = NewDisposeScope();
        return images.Plus((pattern - images) * mask).MoveToOuterDisposeScope();
    }
}
