using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Fire.Engines.Torch.Architectures;

/// <summary>
/// A 3x3, padding-1 convolution with fewer output channels than oneDNN's block of 16, computed with its weights padded
/// by zero filters to a whole block and the extra outputs dropped. On AVX-512 CPUs libtorch 2.10's oneDNN pads such
/// weights itself and its backward pass then returns NaN input gradients now and then (seen for 16 -> 1 channels on an
/// AMD EPYC), which made the IAD mask network of Fire.Attacks diverge. Same parameters ("weight", "bias") and initialisation as
/// <see cref="Conv2d"/>, so saved networks load unchanged; the outputs are the same convolution's.
/// </summary>
public sealed class NarrowConv2d : Module<Tensor, Tensor>
{
    private const int Block = 16;
    private readonly Parameter weight;
    private readonly Parameter bias;

    public NarrowConv2d(int inputChannels, int outputChannels) : base(nameof(NarrowConv2d))
    {
        using var conv = Conv2d(inputChannels, outputChannels, 3, padding: 1);
        weight = new Parameter(conv.weight!.detach().clone());
        bias = new Parameter(conv.bias!.detach().clone());
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        long outputs = weight.shape[0];
        long padded = (outputs + Block - 1) / Block * Block;
        // The zero filters follow the parameters' type and device, so the module moves with .to() like a Conv2d.
        var w = cat([weight, zeros(padded - outputs, weight.shape[1], 3, 3, dtype: weight.dtype, device: weight.device)], 0);
        var b = cat([bias, zeros(padded - outputs, dtype: bias.dtype, device: bias.device)], 0);
        return nn.functional.conv2d(input, w, b, padding: [1, 1]).narrow(1, 0, outputs).MoveToOuterDisposeScope();
    }
}
