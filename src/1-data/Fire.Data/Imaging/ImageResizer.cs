namespace Fire.Data.Imaging;

/// <summary>
/// Antialiased bilinear resizing, as Pillow's Image.resize(size, BILINEAR): a separable triangle filter whose
/// support widens with the reduction factor, so shrinking averages every source pixel it covers (no aliasing)
/// and enlarging interpolates bilinearly between pixel centres.
/// </summary>
public static class ImageResizer
{
    public static PlanarImage Resize(PlanarImage image, int height, int width)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"Target size {height}x{width} is not positive.");
        if (height == image.Height && width == image.Width) return image;
        var horizontal = FilterWeights.Create(image.Width, width);
        var vertical = FilterWeights.Create(image.Height, height);
        var output = new byte[image.Channels * height * width];
        var plane = new float[image.Height * image.Width];
        var rows = new float[image.Height * width];
        for (int c = 0; c < image.Channels; c++)
        {
            var source = image.Pixels.AsSpan(c * plane.Length, plane.Length);
            for (int i = 0; i < plane.Length; i++) plane[i] = source[i];
            for (int y = 0; y < image.Height; y++)
                for (int x = 0; x < width; x++)
                    rows[y * width + x] = horizontal.Apply(plane, y * image.Width, 1, x);
            var target = output.AsSpan(c * height * width, height * width);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    target[y * width + x] = RoundLevel(vertical.Apply(rows, x, width, y));
        }
        return new PlanarImage(output, image.Channels, height, width);
    }

    // Interpolated byte levels round to the nearest level; this is resampling, not PixelBytes' float-to-byte conversion.
    static byte RoundLevel(float value) => (byte)Math.Clamp(MathF.Round(value, MidpointRounding.AwayFromZero), 0f, 255f);

    /// <summary>For each output position along one axis: the first source pixel and the normalised weights.</summary>
    sealed class FilterWeights
    {
        readonly int[] first;
        readonly float[][] weights;

        FilterWeights(int[] first, float[][] weights) { this.first = first; this.weights = weights; }

        public static FilterWeights Create(int sourceSize, int targetSize)
        {
            double scale = (double)sourceSize / targetSize;
            double filterScale = Math.Max(scale, 1.0);
            double support = filterScale; // the triangle filter has radius 1, stretched when shrinking
            var first = new int[targetSize];
            var weights = new float[targetSize][];
            for (int i = 0; i < targetSize; i++)
            {
                double centre = (i + 0.5) * scale;
                int start = Math.Max(0, (int)(centre - support + 0.5));
                int end = Math.Min(sourceSize, (int)(centre + support + 0.5));
                var w = new double[end - start];
                double total = 0;
                for (int j = 0; j < w.Length; j++)
                {
                    double distance = Math.Abs((start + j - centre + 0.5) / filterScale);
                    w[j] = Math.Max(0, 1 - distance);
                    total += w[j];
                }
                first[i] = start;
                weights[i] = w.Select(v => (float)(v / total)).ToArray();
            }
            return new FilterWeights(first, weights);
        }

        /// <summary>Weighted sum for output position <paramref name="index"/> over source values at
        /// offset + k * stride, k counting from the first source pixel.</summary>
        public float Apply(ReadOnlySpan<float> source, int offset, int stride, int index)
        {
            var w = weights[index];
            int position = offset + first[index] * stride;
            float sum = 0;
            for (int j = 0; j < w.Length; j++, position += stride)
                sum += w[j] * source[position];
            return sum;
        }
    }
}
