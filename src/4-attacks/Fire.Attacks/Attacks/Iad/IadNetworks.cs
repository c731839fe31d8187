using TorchSharp;
using static TorchSharp.torch;

namespace Fire.Attacks;

/// <summary>
/// The two networks of the input-aware dynamic attack, saved together in one TorchSharp weights file:
/// the pattern generator (image channels out) and the mask network (one channel out).
/// </summary>
public sealed class IadNetworks : nn.Module
{
    public IadNetworks(ImageShape shape, int channels, int steps) : base(nameof(IadNetworks))
    {
        IadGenerator.CheckFits(shape, steps);
        Shape = shape;
        Generator = new IadGenerator(shape.Channels, shape.Channels, channels, steps);
        MaskNet = new IadGenerator(shape.Channels, 1, channels, steps);
        register_module("generator", Generator);
        register_module("mask", MaskNet);
    }

    public ImageShape Shape { get; }
    public IadGenerator Generator { get; }
    public IadGenerator MaskNet { get; }
}
