namespace Fire.Guard;

/// <summary>
/// The augmentations that enlarge the sets of unpaired direction estimation: each sample adds
/// <see cref="Copies"/> augmented copies of itself, each a random horizontal flip (when <see cref="Flip"/>),
/// a random shift of up to <see cref="MaxShift"/> pixels with zero fill (pad-and-crop) and Gaussian pixel noise
/// of standard deviation <see cref="NoiseStd"/>, clamped to [0, 1]. Copies = 0 turns augmentation off.
/// </summary>
public sealed record ImageAugmentation(int Copies = 0, bool Flip = false, int MaxShift = 0, float NoiseStd = 0f)
{
    public static readonly ImageAugmentation None = new();
    /// <summary>The set measured in docs/fire.md: four copies, shifts up to 2 pixels, noise 0.02; no flips (a flip moves a patch trigger).</summary>
    public static readonly ImageAugmentation Standard = new(Copies: 4, MaxShift: 2, NoiseStd: 0.02f);

    public bool Enabled => Copies > 0;

    public void Validate()
    {
        if (Copies < 0) throw new ArgumentOutOfRangeException(nameof(Copies), $"Augmented copies cannot be negative, got {Copies}.");
        if (MaxShift < 0) throw new ArgumentOutOfRangeException(nameof(MaxShift), $"The largest shift cannot be negative, got {MaxShift}.");
        if (NoiseStd < 0 || !float.IsFinite(NoiseStd)) throw new ArgumentOutOfRangeException(nameof(NoiseStd), $"Noise needs a finite standard deviation >= 0, got {NoiseStd}.");
    }

    /// <summary>
    /// <see cref="Copies"/> augmented copies of one image (C, H, W), as a batch (Copies, C, H, W). The random
    /// stream depends only on <paramref name="seed"/>, so a sample gets the same copies however it was batched.
    /// </summary>
    public FloatBatch Augment(ReadOnlySpan<float> image, int[] imageShape, int seed)
    {
        if (imageShape.Length != 3) throw new ArgumentException($"Augmentation works on (C, H, W) images, got shape [{string.Join(", ", imageShape)}].");
        int channels = imageShape[0], height = imageShape[1], width = imageShape[2], size = channels * height * width;
        var random = new Random(seed);
        var copies = new float[Copies * size];
        for (int copy = 0; copy < Copies; copy++)
        {
            var target = copies.AsSpan(copy * size, size);
            bool flip = Flip && random.Next(2) == 1;
            int dy = MaxShift == 0 ? 0 : random.Next(-MaxShift, MaxShift + 1);
            int dx = MaxShift == 0 ? 0 : random.Next(-MaxShift, MaxShift + 1);
            for (int c = 0; c < channels; c++)
            for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int sy = y - dy, sx = x - dx;
                if (sy < 0 || sy >= height || sx < 0 || sx >= width) continue; // zero fill
                if (flip) sx = width - 1 - sx;
                target[(c * height + y) * width + x] = image[(c * height + sy) * width + sx];
            }
            if (NoiseStd > 0)
                for (int i = 0; i < size; i++)
                    target[i] = Math.Clamp(target[i] + NoiseStd * Gaussian(random), 0f, 1f);
        }
        return new FloatBatch(copies, [Copies, channels, height, width]);
    }

    private static float Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
