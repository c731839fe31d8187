namespace Fire.Data;

/// <summary>Per-channel mean and standard deviation of a data set's pixels in [0, 1], computed exactly from
/// per-channel histograms of the bytes.
/// A channel without variation gets std 1.</summary>
public static class PixelStatistics
{
    public static Normalization Normalization(ImageDataset data)
    {
        var histograms = new long[data.Channels, 256];
        int plane = data.Height * data.Width;
        for (int i = 0; i < data.Count; i++)
        {
            var image = data.Image(i);
            for (int c = 0; c < data.Channels; c++)
                foreach (byte value in image.Slice(c * plane, plane))
                    histograms[c, value]++;
        }
        var mean = new float[data.Channels];
        var std = new float[data.Channels];
        for (int c = 0; c < data.Channels; c++)
        {
            double count = 0, sum = 0, squares = 0;
            for (int v = 0; v < 256; v++)
            {
                double n = histograms[c, v], x = v / 255.0;
                count += n;
                sum += n * x;
                squares += n * x * x;
            }
            double m = count == 0 ? 0 : sum / count;
            mean[c] = (float)m;
            double s = Math.Sqrt(Math.Max(0, squares / count - m * m));
            std[c] = count == 0 || s < 1e-6 ? 1f : (float)s; // a constant channel must not be divided by zero
        }
        return new Normalization(mean, std);
    }
}
