using Fire.Engines.Torch.Architectures;
using static TorchSharp.torch;

namespace Fire.Engines.Torch.Tests;

public sealed class NarrowConv2dTests
{
    /// <summary>
    /// Outputs and input gradients match a double-precision convolution (which does not go through oneDNN) with the
    /// same weights, call after call: before NarrowConv2d, a 16 -> 1 channel convolution's input gradient was NaN in
    /// most calls on an AVX-512 AMD EPYC.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Matches_a_double_precision_convolution_forward_and_backward(int outputs)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var conv = new NarrowConv2d(16, outputs);
        var parameters = conv.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(["weight", "bias"], parameters.Keys);
        Assert.Equal(new long[] { outputs, 16, 3, 3 }, parameters["weight"].shape);
        var weight = parameters["weight"].detach().to_type(ScalarType.Float64);
        var bias = parameters["bias"].detach().to_type(ScalarType.Float64);
        for (int call = 0; call < 10; call++)
        {
            var x = randn(32, 16, 28, 28).requires_grad_(true);
            var y = conv.call(x);
            y.sum().backward();
            var reference = x.detach().to_type(ScalarType.Float64).requires_grad_(true);
            var expected = nn.functional.conv2d(reference, weight, bias, padding: [1, 1]);
            expected.sum().backward();
            Assert.True(y.to_type(ScalarType.Float64).allclose(expected, rtol: 1e-4, atol: 1e-4), $"call {call}: outputs differ");
            Assert.True(x.grad!.to_type(ScalarType.Float64).allclose(reference.grad!, rtol: 1e-4, atol: 1e-4), $"call {call}: input gradients differ");
        }
    }
}
