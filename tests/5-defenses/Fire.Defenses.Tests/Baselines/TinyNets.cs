using Fire.Data;
using Fire.Engines.Torch;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Fire.Defenses.Tests.Baselines;

/// <summary>
/// conv (1x1, set weights and biases) -> gap (global average pool + flatten) -> fc (set weights and biases), on 1-channel
/// images with identity normalisation: small enough for Grad-CAM and clipping to be computed by hand.
/// </summary>
internal sealed class ConvGapLinear : LayeredNet
{
    public ConvGapLinear(int size, float[] convWeight, float[] convBias, float[,] fcWeight, float[] fcBias)
        : base("conv-gap-linear", 1, size, size, fcWeight.GetLength(0), Normalization.Identity(1))
    {
        int channels = convWeight.Length;
        var conv = Conv2d(1, channels, 1);
        var fc = Linear(channels, fcWeight.GetLength(0));
        using (no_grad())
        {
            conv.weight!.copy_(tensor(convWeight).reshape(channels, 1, 1, 1));
            conv.bias!.copy_(tensor(convBias));
            fc.weight!.copy_(tensor(fcWeight));
            fc.bias!.copy_(tensor(fcBias));
        }
        AddLayer("conv", conv);
        AddLayer("gap", Sequential(AdaptiveAvgPool2d(1), Flatten()));
        AddLayer("fc", fc);
    }
}
