using Fire.Guard;

namespace Fire.Service.TestHost;

/// <summary>
/// A tiny backdoored classifier in plain C# (no engine): 1x4x4 images, 3 classes. Class c (0..2) is the image whose
/// 2x2 quadrant c is bright; the trigger is the bottom-right pixel, which adds 4 to class 0's logit. Layers:
/// features (the 16 pixels), hidden (the three quadrant sums and the trigger pixel), logits.
/// </summary>
public sealed class ToyBackdoor : ILayeredModel
{
    public const int Target = 0;
    private static readonly int[][] Quadrants = [[0, 1, 4, 5], [2, 3, 6, 7], [8, 9, 12, 13]];
    private const int TriggerPixel = 15;

    public int[] InputShape => [1, 4, 4];
    public int ClassCount => 3;
    public IReadOnlyList<string> LayerNames => ["features", "hidden", "logits"];
    /// <summary>When set, every forward pass throws this (tests of the service's answer to internal errors).</summary>
    public Exception? Failure { get; set; }

    public IReadOnlyList<LayerInfo> DescribeLayers() => [new("features", [16]), new("hidden", [4]), new("logits", [3])];

    public FloatBatch Forward(FloatBatch input, LayerAccess? access = null) => Run(input, 0, 3, access);
    public FloatBatch Head(FloatBatch input, string layer) => Run(input, 0, Index(layer) + 1, null);
    public FloatBatch Tail(FloatBatch activation, string layer) => Run(activation, Index(layer) + 1, 3, null);

    private FloatBatch Run(FloatBatch input, int from, int to, LayerAccess? access)
    {
        if (Failure is not null) throw Failure;
        var x = new FloatBatch(input.Data.ToArray(), [input.Count, input.SampleSize]);
        for (int stage = from; stage < to; stage++)
        {
            x = stage == 0 ? x : stage == 1 ? Hidden(x) : Logits(x);
            string name = LayerNames[stage];
            if (access is null) continue;
            if (access.Editors.TryGetValue(name, out var edit)) edit(x.AsSpan());
            if (access.Taps.Contains(name)) access.Capture(name, x.Clone());
        }
        return x;
    }

    private static FloatBatch Hidden(FloatBatch x)
    {
        var h = new float[x.Count * 4];
        for (int n = 0; n < x.Count; n++)
        {
            var row = x.Sample(n).ToArray();
            for (int c = 0; c < 3; c++) h[n * 4 + c] = Quadrants[c].Sum(i => row[i]);
            h[n * 4 + 3] = row[TriggerPixel];
        }
        return new FloatBatch(h, [x.Count, 4]);
    }

    private static FloatBatch Logits(FloatBatch h)
    {
        var z = new float[h.Count * 3];
        for (int n = 0; n < h.Count; n++)
        {
            var row = h.Sample(n);
            z[n * 3] = row[0] + 4 * row[3];
            z[n * 3 + 1] = row[1];
            z[n * 3 + 2] = row[2];
        }
        return new FloatBatch(z, [h.Count, 3]);
    }

    private int Index(string layer) => LayerNames.ToList().IndexOf(layer) is >= 0 and var i ? i : throw new ArgumentException($"Unknown layer '{layer}'.");

    public void Dispose() { }

    /// <summary>Seeded images of <paramref name="labels"/>: the class's quadrant bright, the rest dim noise; with the trigger when <paramref name="triggered"/>.</summary>
    public static FloatBatch Images(int[] labels, int seed, bool triggered = false)
    {
        var random = new Random(seed);
        var data = new float[labels.Length * 16];
        for (int n = 0; n < labels.Length; n++)
        {
            for (int i = 0; i < 16; i++) data[n * 16 + i] = 0.2f * random.NextSingle();
            foreach (int i in Quadrants[labels[n]]) data[n * 16 + i] = 0.7f + 0.3f * random.NextSingle();
            if (triggered) data[n * 16 + TriggerPixel] = 1f;
        }
        return new FloatBatch(data, [labels.Length, 1, 4, 4]);
    }

    /// <summary>Labels 0, 1, 2, 0, 1, ... (<paramref name="count"/> of them), or only non-target ones.</summary>
    public static int[] Labels(int count, bool nonTarget = false) =>
        Enumerable.Range(0, count).Select(i => nonTarget ? 1 + i % 2 : i % 3).ToArray();

    /// <summary>A guard with a clean reference of 300 images and nothing observed, saved with its samples at <paramref name="path"/>.</summary>
    public static void SaveFreshGuard(string path)
    {
        using var model = new ToyBackdoor();
        using var guard = new FireGuard(model, new FireOptions { Seed = 1 });
        var labels = Labels(300);
        guard.FitClean(Images(labels, seed: 1), labels);
        guard.Save(path);
    }
}
