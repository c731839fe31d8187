namespace Fire.Defenses.Baselines;

/// <summary>
/// Bilinear resampling of one plane with half-pixel centres and edge clamping: the convention of OpenCV's
/// INTER_LINEAR and of PyTorch's interpolate(mode="bilinear", align_corners=False, antialias=False).
/// A constant plane stays constant; equal sizes copy the plane exactly.
/// </summary>
public static class BilinearResize
{
    public static void Plane(ReadOnlySpan<float> source, int sourceHeight, int sourceWidth, Span<float> target, int targetHeight, int targetWidth)
    {
        if (source.Length != sourceHeight * sourceWidth || target.Length != targetHeight * targetWidth)
            throw new ArgumentException($"Resize from {sourceHeight}x{sourceWidth} to {targetHeight}x{targetWidth} got buffers of {source.Length} and {target.Length} values.");
        if (sourceHeight < 1 || sourceWidth < 1) throw new ArgumentException($"Cannot resize an empty plane ({sourceHeight}x{sourceWidth}).");
        Span<int> x0 = stackalloc int[targetWidth];
        Span<int> x1 = stackalloc int[targetWidth];
        Span<float> fx = stackalloc float[targetWidth];
        for (int x = 0; x < targetWidth; x++) (x0[x], x1[x], fx[x]) = SourceIndex(x, sourceWidth, targetWidth);
        for (int y = 0; y < targetHeight; y++)
        {
            var (y0, y1, fy) = SourceIndex(y, sourceHeight, targetHeight);
            var top = source.Slice(y0 * sourceWidth, sourceWidth);
            var bottom = source.Slice(y1 * sourceWidth, sourceWidth);
            for (int x = 0; x < targetWidth; x++)
            {
                float upper = top[x0[x]] + fx[x] * (top[x1[x]] - top[x0[x]]);
                float lower = bottom[x0[x]] + fx[x] * (bottom[x1[x]] - bottom[x0[x]]);
                target[y * targetWidth + x] = upper + fy * (lower - upper);
            }
        }
    }

    private static (int Low, int High, float Fraction) SourceIndex(int targetIndex, int sourceSize, int targetSize)
    {
        double position = (targetIndex + 0.5) * sourceSize / targetSize - 0.5;
        position = Math.Clamp(position, 0, sourceSize - 1);
        int low = (int)Math.Floor(position);
        int high = Math.Min(low + 1, sourceSize - 1);
        return (low, high, (float)(position - low));
    }
}
