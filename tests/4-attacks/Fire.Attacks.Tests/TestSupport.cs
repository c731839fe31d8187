using Fire.Data;
using Fire.Engines.Torch;
using static TorchSharp.torch;

namespace Fire.Attacks.Tests;

/// <summary>The real data the tests train on, found as the CLI finds it (FIRE_DATA, else ../shared/data beside the repository).</summary>
internal static class TestData
{
    private static readonly Lazy<DataSplit> MnistSplit = new(() => Datasets.Load("mnist"));

    public static DataSplit Mnist => MnistSplit.Value;
}

/// <summary>Small fixed inputs with known values.</summary>
internal static class Fixtures
{
    /// <summary>A batch (N, C, H, W) filled with one value.</summary>
    public static Tensor Constant(float value, int n, ImageShape shape) => ones(n, shape.Channels, shape.Height, shape.Width).Times(value);

    /// <summary>A batch whose every value differs: ((i * 37) mod 256) / 255 for the i-th value.</summary>
    public static Tensor Ramp(int n, ImageShape shape) =>
        tensor(Enumerable.Range(0, n * shape.Size).Select(i => i * 37 % 256 / 255f).ToArray(), new long[] { n, shape.Channels, shape.Height, shape.Width });

    public static float[] Values(Tensor x) => x.contiguous().data<float>().ToArray();

    /// <summary>A labelled byte data set: image i holds (i + pixel) mod 256, label i mod classes.</summary>
    public static ImageDataset Dataset(int count, int classes, ImageShape shape, string name = "synthetic")
    {
        var pixels = new byte[count * shape.Size];
        for (int i = 0; i < count; i++)
            for (int j = 0; j < shape.Size; j++) pixels[i * shape.Size + j] = (byte)((i + j) % 256);
        var labels = Enumerable.Range(0, count).Select(i => i % classes).ToArray();
        return new ImageDataset(name, pixels, labels, Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray(), shape.Channels, shape.Height, shape.Width);
    }
}
