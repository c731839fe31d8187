using Fire.Engines.Torch;
using Fire.Engines.Torch.Architectures;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Fire.Attacks;

/// <summary>
/// The encoder-decoder of the input-aware dynamic attack (Nguyen and Tran 2020), as BackdoorBench's
/// InputAwareGenerator: per step two conv-BN-ReLU blocks and a 2x2 max pool on the way down (channels doubling
/// from <c>channels</c>), one middle block, then per step a bilinear 2x upsample and two blocks on the way up (the
/// last without ReLU), and tanh / (2 + 1e-7) + 0.5, so outputs lie in [0, 1]. The same network with one output
/// channel is the mask network. Images go in as [0, 1] pixels; their height and width must divide by 2^steps.
/// </summary>
public sealed class IadGenerator : Module<Tensor, Tensor>
{
    private const double Epsilon = 1e-7;
    private readonly Module<Tensor, Tensor> _body;

    public IadGenerator(int inputChannels, int outputChannels, int channels, int steps) : base(nameof(IadGenerator))
    {
        if (steps < 2) throw new ArgumentException($"The IAD generator needs at least 2 down/up steps, got {steps}.");
        if (channels < 2) throw new ArgumentException($"The IAD generator needs at least 2 base channels, got {channels}.");
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        int current = inputChannels, next = channels;
        for (int step = 0; step < steps; step++)
        {
            layers.Add(($"down{step}a", Block(current, next)));
            layers.Add(($"down{step}b", Block(next, next)));
            layers.Add(($"pool{step}", MaxPool2d(2)));
            if (step < steps - 1) (current, next) = (next, next * 2);
        }
        layers.Add(("middle", Block(next, next)));
        current = next;
        for (int step = 0; step < steps; step++)
        {
            bool last = step == steps - 1;
            next = last ? outputChannels : current / 2;
            layers.Add(($"up{step}", Upsample(scale_factor: new[] { 2.0, 2.0 }, mode: UpsampleMode.Bilinear, align_corners: false)));
            layers.Add(($"up{step}a", Block(current, current)));
            layers.Add(($"up{step}b", Block(current, next, relu: !last)));
            current = next;
        }
        _body = Sequential(layers.ToArray());
        register_module("body", _body);
    }

    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        return _body.call(images).tanh().DividedBy(2 + Epsilon).Plus(0.5).MoveToOuterDisposeScope();
    }

    /// <summary>The sharp mask from the mask network's output: tanh(20 x - 10) / (2 + 1e-7) + 0.5.</summary>
    public static Tensor Threshold(Tensor maskOutput) => maskOutput.Times(20).Minus(10).tanh().DividedBy(2 + Epsilon).Plus(0.5);

    /// <summary>Down/up steps for an image size: 3 where both sides divide by 8 (CIFAR, GTSRB), else 2 (MNIST's 28).</summary>
    public static int DefaultSteps(ImageShape shape) => shape.Height % 8 == 0 && shape.Width % 8 == 0 ? 3 : 2;

    /// <summary>Base channels as BackdoorBench: 32 with 3 steps, 16 with 2 (its MNIST setting).</summary>
    public static int DefaultChannels(int steps) => steps >= 3 ? 32 : 16;

    public static void CheckFits(ImageShape shape, int steps)
    {
        int factor = 1 << steps;
        if (shape.Height % factor != 0 || shape.Width % factor != 0)
            throw new ArgumentException($"The IAD generator with {steps} steps needs image sides divisible by {factor}; the images are {shape.Height}x{shape.Width}.");
    }

    private static Module<Tensor, Tensor> Block(int input, int output, bool relu = true) => relu
        ? Sequential(Conv2d(input, output, 3, padding: 1), new BatchNorm2dWithHeldScalar(output, momentum: 0.05), ReLU())
        : Sequential(new NarrowConv2d(input, output), new BatchNorm2dWithHeldScalar(output, momentum: 0.05));
}
