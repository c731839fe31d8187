using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Fire.Engines.Torch.Architectures;

/// <summary>Building blocks that several architectures share.</summary>
internal static class Blocks
{
    /// <summary>y + x without a temporary Scalar (see <see cref="HeldArithmetic"/>).</summary>
    public static Tensor Residual(Tensor y, Tensor x) => y.Plus(x);

    /// <summary>3x3 convolution (padding 1, no bias: batch norm has one), batch norm, ReLU.</summary>
    public static Module<Tensor, Tensor> ConvBnRelu(int input, int output, int stride = 1) =>
        Sequential(Conv2d(input, output, 3, stride: stride, padding: 1, bias: false), new BatchNorm2dWithHeldScalar(output), ReLU());

    /// <summary>Global average pooling to a (N, C) feature vector; works for any spatial size.</summary>
    public static Module<Tensor, Tensor> GlobalAveragePool() => Sequential(AdaptiveAvgPool2d(new long[] { 1, 1 }), Flatten());

    /// <summary>Global max pooling to a (N, C) feature vector; works for any spatial size.</summary>
    public static Module<Tensor, Tensor> GlobalMaxPool() => Sequential(AdaptiveMaxPool2d(new long[] { 1, 1 }), Flatten());

    /// <summary>He (Kaiming) normal initialisation of every convolution and linear weight, as He et al. use.</summary>
    public static void InitializeHeNormal(Module net)
    {
        using var noGrad = no_grad();
        foreach (var module in net.modules())
        {
            if (module is TorchSharp.Modules.Conv2d conv) init.kaiming_normal_(conv.weight, nonlinearity: init.NonlinearityType.ReLU);
            else if (module is TorchSharp.Modules.Linear linear) init.kaiming_normal_(linear.weight, nonlinearity: init.NonlinearityType.ReLU);
        }
    }
}
