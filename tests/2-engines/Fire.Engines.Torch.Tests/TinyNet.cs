using Fire.Data;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Fire.Engines.Torch.Tests;

/// <summary>
/// A hand-built two-feature net whose every value a test can work out with plain arithmetic. Images are 1x1x2;
/// normalisation (x - 0.5) / 2. Layers: flat (to 2 features), hidden = W1 h + b1, out = W2 h + b2.
/// </summary>
internal sealed class TinyNet : LayeredNet
{
    public static readonly float[,] W1 = { { 1, 2 }, { 3, 4 } };
    public static readonly float[] B1 = { 0.5f, -1 };
    public static readonly float[,] W2 = { { 1, 0 }, { 1, 1 } };
    public static readonly float[] B2 = { 0, 0.25f };

    public TinyNet() : base("tiny", 1, 1, 2, 2, new Normalization(new[] { 0.5f }, new[] { 2f }))
    {
        AddLayer("flat", Flatten());
        AddLayer("hidden", Affine(W1, B1));
        AddLayer("out", Affine(W2, B2));
    }

    private static Module<Tensor, Tensor> Affine(float[,] weight, float[] bias)
    {
        var linear = Linear(2, 2);
        using var noGrad = no_grad();
        linear.weight!.copy_(tensor(weight.Cast<float>().ToArray(), new long[] { 2, 2 }));
        linear.bias!.copy_(tensor(bias));
        return linear;
    }

    /// <summary>W h + b for one sample, in plain arithmetic.</summary>
    public static float[] Apply(float[,] weight, float[] bias, float[] h) =>
        new[] { weight[0, 0] * h[0] + weight[0, 1] * h[1] + bias[0], weight[1, 0] * h[0] + weight[1, 1] * h[1] + bias[1] };
}
