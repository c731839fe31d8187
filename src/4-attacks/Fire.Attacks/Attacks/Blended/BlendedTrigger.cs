using Fire.Data.Imaging;
using Fire.Engines.Torch;
using static TorchSharp.torch;

namespace Fire.Attacks;

/// <summary>Blended: the whole image mixed with a pattern, x' = (1 - alpha) * x + alpha * pattern (BackdoorBench's blendedImageAttack).</summary>
public sealed class BlendedTrigger : ImageTrigger
{
    public const string TriggerName = "blended";

    private readonly Tensor _scaledPattern; // (1, C, H, W): alpha * pattern

    /// <param name="pattern">The pattern at the images' size and channels.</param>
    public BlendedTrigger(ImageShape shape, PlanarImage pattern, double alpha, string name = TriggerName) : base(name, shape)
    {
        CheckAlpha(alpha, "alpha");
        if (pattern.Channels != shape.Channels || pattern.Height != shape.Height || pattern.Width != shape.Width)
            throw new ArgumentException($"The blend pattern is {pattern.Channels}x{pattern.Height}x{pattern.Width}; the images are {shape}.");
        Pattern = pattern;
        Alpha = alpha;
        var scaled = pattern.Pixels.Select(b => (float)(alpha * PixelBytes.ToFloat(b))).ToArray();
        _scaledPattern = Keep(tensor(scaled, new long[] { 1, shape.Channels, shape.Height, shape.Width }));
    }

    public PlanarImage Pattern { get; }
    public double Alpha { get; }

    protected override Tensor Transform(Tensor images) => images.Times(1 - Alpha).add_(_scaledPattern, HeldScalars.One);

    public static void CheckAlpha(double alpha, string option)
    {
        if (!(alpha >= 0 && alpha <= 1))
            throw new ArgumentException($"{option} must be in [0, 1] (the pattern's share of each blended pixel), got {alpha}.");
    }
}
