namespace Fire.Defenses.Baselines;

/// <summary>
/// Classical inpainting by harmonic (Laplace) fill: inside the removed region each channel solves the discrete
/// Laplace equation u(p) = mean of its 4 neighbours, with the surrounding kept pixels as boundary values (neighbours
/// outside the image are left out). Solved by successive over-relaxation from the mean of the kept pixels around the
/// region. It stands in for Februus's GAN inpainter, which we cannot ship: it restores smooth content and removes any
/// texture inside the region (a trigger included), but invents no detail, so large regions come back blurred.
/// A region bounded by a constant colour is filled with exactly that colour; kept pixels are never changed.
/// </summary>
public static class HarmonicInpainting
{
    public const int DefaultMaxIterations = 1000;
    public const float DefaultTolerance = 1e-4f;
    private const float Relaxation = 1.8f;

    /// <summary>
    /// Fills the pixels of an (C, H, W) image where <paramref name="removed"/> (H * W) is true, in place.
    /// With no kept pixel there is nothing to fill from and the image is left as it is.
    /// </summary>
    public static void Fill(Span<float> image, ReadOnlySpan<bool> removed, int channels, int height, int width,
        int maxIterations = DefaultMaxIterations, float tolerance = DefaultTolerance)
    {
        int plane = height * width;
        if (image.Length != channels * plane || removed.Length != plane)
            throw new ArgumentException($"Inpainting a ({channels}, {height}, {width}) image got {image.Length} values and a mask of {removed.Length}.");
        var holes = new List<int>();
        for (int p = 0; p < plane; p++) if (removed[p]) holes.Add(p);
        if (holes.Count == 0 || holes.Count == plane) return;

        var border = BorderPixels(removed, height, width);
        for (int c = 0; c < channels; c++)
        {
            var u = image.Slice(c * plane, plane);
            float start = 0;
            foreach (int p in border) start += u[p];
            start /= border.Count;
            foreach (int p in holes) u[p] = start;
            for (int iteration = 0; iteration < maxIterations; iteration++)
            {
                float largest = 0;
                foreach (int p in holes)
                {
                    float next = NeighbourMean(u, p, height, width);
                    float change = Relaxation * (next - u[p]);
                    u[p] += change;
                    largest = Math.Max(largest, Math.Abs(change));
                }
                if (largest < tolerance) break;
            }
        }
    }

    private static float NeighbourMean(Span<float> u, int p, int height, int width)
    {
        int y = p / width, x = p % width;
        float sum = 0;
        int count = 0;
        if (y > 0) { sum += u[p - width]; count++; }
        if (y < height - 1) { sum += u[p + width]; count++; }
        if (x > 0) { sum += u[p - 1]; count++; }
        if (x < width - 1) { sum += u[p + 1]; count++; }
        return sum / count;
    }

    /// <summary>Kept pixels with a removed 4-neighbour: the region's boundary values.</summary>
    private static List<int> BorderPixels(ReadOnlySpan<bool> removed, int height, int width)
    {
        var border = new List<int>();
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int p = y * width + x;
            if (removed[p]) continue;
            if ((y > 0 && removed[p - width]) || (y < height - 1 && removed[p + width]) ||
                (x > 0 && removed[p - 1]) || (x < width - 1 && removed[p + 1]))
                border.Add(p);
        }
        return border;
    }
}
