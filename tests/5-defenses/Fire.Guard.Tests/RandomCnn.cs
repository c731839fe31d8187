using Fire.Data;
using Fire.Engines.Torch;
using Fire.Engines.Torch.Architectures;

namespace Fire.Guard.Tests;

/// <summary>An untrained small CNN on 1x8x8 images (3 classes) and seeded random images for engine-level tests.</summary>
internal static class RandomCnn
{
    public static TorchLayeredModel Create(int seed = 1)
    {
        TorchSharp.torch.random.manual_seed(seed);
        return new TorchLayeredModel(new SmallCnn(1, 8, 8, 3, Normalization.Identity(1)), ownsNet: true);
    }

    public static FloatBatch Images(int count, int seed, bool patch = false)
    {
        var random = new Random(seed);
        var data = new float[count * 64];
        for (int i = 0; i < data.Length; i++) data[i] = (float)random.NextDouble() * 0.6f;
        if (patch)
            for (int n = 0; n < count; n++)
            for (int y = 5; y < 8; y++)
            for (int x = 5; x < 8; x++) data[n * 64 + y * 8 + x] = 1f;
        return new FloatBatch(data, [count, 1, 8, 8]);
    }

    /// <summary>The model's own predictions, used as clean labels so the undefended accuracy is 100%.</summary>
    public static int[] Labels(ILayeredModel model, FloatBatch images) =>
        Enumerable.Range(0, images.Count).Select(i => ArgMax(model.Forward(Row(images, i)).Sample(0))).ToArray();

    private static FloatBatch Row(FloatBatch images, int i) => new(images.Sample(i).ToArray(), [1, .. images.SampleShape]);

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++) if (row[j] > row[best]) best = j;
        return best;
    }
}
