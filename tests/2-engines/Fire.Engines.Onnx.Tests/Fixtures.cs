using System.Text.Json;

namespace Fire.Engines.Onnx.Tests;

/// <summary>
/// The models PyTorch made in ../shared/models (beside the repository; $FIRE_MODELS overrides). Tests that need them
/// fail with a clear message when they are missing.
/// </summary>
internal static class Fixtures
{
    public const string SmallCnn = "gtsrb-badnets-smallcnn";
    public const string ResNet20 = "resnet20-gtsrb-blended";
    public const string PreAct = "preactresnet18-random";
    public static readonly string[] All = [SmallCnn, ResNet20, PreAct];

    public static string Root => SharedFolders.Models;

    public static string Model(string fixture) => Path.Combine(Root, fixture, "model.onnx");

    /// <summary>The normalisation a fixture expects outside its graph (spec.json's mean and std), or null when the graph has it inside.</summary>
    public static InputNormalization? Normalization(string fixture)
    {
        using var spec = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, fixture, "spec.json")));
        if (!spec.RootElement.TryGetProperty("mean", out var mean)) return null;
        return new InputNormalization(Floats(mean), Floats(spec.RootElement.GetProperty("std")));
    }

    public static OnnxLayeredModel Open(string fixture, int threads = 1) => new(Model(fixture), Normalization(fixture), threads);

    /// <summary>io.json: inputs in [0, 1] and the logits PyTorch computed for them.</summary>
    public static (FloatBatch Inputs, float[][] Logits) InputsAndLogits(string fixture)
    {
        using var io = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, fixture, "io.json")));
        var shape = io.RootElement.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var inputs = new FloatBatch(Floats(io.RootElement.GetProperty("inputs")), shape);
        var logits = io.RootElement.GetProperty("logits").EnumerateArray().Select(Floats).ToArray();
        return (inputs, logits);
    }

    /// <summary>Seeded images in [0, 1].</summary>
    public static FloatBatch Images(int count, int[] shape, int seed)
    {
        var random = new Random(seed);
        var data = new float[count * shape.Aggregate(1, (a, d) => a * d)];
        for (int i = 0; i < data.Length; i++) data[i] = random.NextSingle();
        return new FloatBatch(data, [count, .. shape]);
    }

    public static float MaxDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        float max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();
}
