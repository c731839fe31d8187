namespace Fire.Defenses.Baselines;

/// <summary>
/// ShrinkPad (Li et al., "Backdoor Attack in the Physical World", ICLR 2021 workshop; also "Rethinking the Trigger of
/// Backdoor Attack", arXiv:2004.04692): shrink the image by <see cref="Pad"/> pixels in each dimension, then zero-pad it
/// back to its size at a random offset, so a trigger no longer sits where the backdoor expects it.
/// Defaults follow BackdoorBox's implementation and its CIFAR-10 example (core.ShrinkPad(size_map=32, pad=4)): pad 4
/// (a 32x32 image shrinks to 28x28; the same 4 pixels are used for other sizes), offset (top, left) drawn uniformly
/// from {0..pad}^2, fill value 0. The shrink is bilinear
/// (see <see cref="BilinearResize"/>; without antialiasing, which barely matters for a 0.875 scale).
/// </summary>
public sealed class ShrinkPad : InputTransformDefense
{
    public const string DefenseName = "shrinkpad";
    public const int DefaultPad = 4;

    public ShrinkPad(int pad = DefaultPad)
    {
        if (pad < 1) throw new ArgumentOutOfRangeException(nameof(pad), $"ShrinkPad's pad must be at least 1 pixel, got {pad}.");
        Pad = pad;
    }

    /// <summary>Pixels removed from the height and from the width (split between the two sides at random).</summary>
    public int Pad { get; }
    public override string Name => DefenseName;

    protected override void CheckImageShape(int[] chw)
    {
        if (chw.Length != 3 || chw[1] <= Pad || chw[2] <= Pad)
            throw new ArgumentException($"ShrinkPad with pad {Pad} needs images larger than {Pad}x{Pad}; got shape ({string.Join(", ", chw)}).");
    }

    protected override void TransformImage(ReadOnlySpan<float> image, Span<float> output, int channels, int height, int width, Random random)
    {
        int top = random.Next(Pad + 1);
        int left = random.Next(Pad + 1);
        Apply(image, output, channels, height, width, Pad, top, left);
    }

    /// <summary>
    /// Shrinks each channel to (height - pad) x (width - pad) and places it with its top-left corner at (top, left)
    /// in an otherwise zero image of the original size.
    /// </summary>
    public static void Apply(ReadOnlySpan<float> image, Span<float> output, int channels, int height, int width, int pad, int top, int left)
    {
        if (top < 0 || top > pad || left < 0 || left > pad)
            throw new ArgumentOutOfRangeException(nameof(top), $"Offset ({top}, {left}) is outside [0, {pad}] for pad {pad}.");
        int innerHeight = height - pad, innerWidth = width - pad;
        var inner = new float[innerHeight * innerWidth];
        output.Clear();
        int plane = height * width;
        for (int c = 0; c < channels; c++)
        {
            BilinearResize.Plane(image.Slice(c * plane, plane), height, width, inner, innerHeight, innerWidth);
            for (int y = 0; y < innerHeight; y++)
                inner.AsSpan(y * innerWidth, innerWidth).CopyTo(output.Slice(c * plane + (y + top) * width + left, innerWidth));
        }
    }
}
