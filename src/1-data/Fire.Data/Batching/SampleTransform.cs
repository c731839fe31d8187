namespace Fire.Data;

/// <summary>Turns one (C, H, W) byte image into floats in [0, 1], shifted (the random crop of a zero-padded image)
/// and optionally mirrored, in one pass.</summary>
internal static class SampleTransform
{
    /// <summary>The crop offset and flip of one sample, drawn from its own seed so that the result does not depend on
    /// which thread or batch handles it. Shifts are in [-padding, padding]: crop origin minus padding.</summary>
    public static (int ShiftX, int ShiftY, bool Flip) Draw(Augmentation augmentation, ulong sampleSeed)
    {
        int range = 2 * augmentation.CropPadding + 1;
        int shiftX = (int)(sampleSeed % (ulong)range) - augmentation.CropPadding;
        int shiftY = (int)((sampleSeed >> 21) % (ulong)range) - augmentation.CropPadding;
        bool flip = augmentation.HorizontalFlip && (sampleSeed >> 63) == 1;
        return (shiftX, shiftY, flip);
    }

    /// <summary>target[c, y, x] = image[c, y + shiftY, x' + shiftX] / 255 with x' = x, or W - 1 - x when flipped;
    /// 0 where that falls outside the image.</summary>
    public static void Write(ReadOnlySpan<byte> image, Span<float> target, int channels, int height, int width,
                             int shiftX, int shiftY, bool flip)
    {
        // The output columns whose source column lies inside the image.
        int start = flip ? Math.Max(0, shiftX) : Math.Max(0, -shiftX);
        int end = flip ? Math.Min(width, width + shiftX) : Math.Min(width, width - shiftX);
        var unit = PixelBytes.Values.AsSpan();
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < height; y++)
            {
                var row = target.Slice((c * height + y) * width, width);
                int sourceY = y + shiftY;
                if (sourceY < 0 || sourceY >= height || start >= end)
                {
                    row.Clear();
                    continue;
                }
                var source = image.Slice((c * height + sourceY) * width, width);
                row[..start].Clear();
                row[end..].Clear();
                if (flip)
                    for (int x = start; x < end; x++) row[x] = unit[source[width - 1 - x + shiftX]];
                else
                    for (int x = start; x < end; x++) row[x] = unit[source[x + shiftX]];
            }
    }
}
