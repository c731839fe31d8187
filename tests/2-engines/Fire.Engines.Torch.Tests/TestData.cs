using Fire.Data;
using static TorchSharp.torch;

namespace Fire.Engines.Torch.Tests;

/// <summary>Seeded inputs and the architecture cases the tests run on.</summary>
internal static class TestData
{
    public const int Classes = 7;

    /// <summary>Every registered architecture with a grey 28x28 and a colour 32x32 input.</summary>
    public static TheoryData<string, int, int> ArchitectureCases()
    {
        var cases = new TheoryData<string, int, int>();
        foreach (var architecture in ModelZoo.Architectures)
        {
            cases.Add(architecture, 1, 28);
            cases.Add(architecture, 3, 32);
        }
        return cases;
    }

    public static LayeredNet Create(string architecture, int channels, int size, int classes = Classes)
    {
        var normalization = new Normalization(
            Enumerable.Range(0, channels).Select(c => 0.4f + 0.05f * c).ToArray(),
            Enumerable.Range(0, channels).Select(c => 0.25f + 0.01f * c).ToArray());
        return ModelZoo.Create(architecture, channels, size, size, classes, normalization);
    }

    /// <summary>A batch of images with values in [0, 1].</summary>
    public static FloatBatch Images(int count, int[] shape, int seed)
    {
        var random = new Random(seed);
        var data = new float[count * shape.Aggregate(1, (a, d) => a * d)];
        for (int i = 0; i < data.Length; i++) data[i] = (float)random.NextDouble();
        return new FloatBatch(data, new[] { count }.Concat(shape).ToArray());
    }

    public static Tensor ImageTensor(int count, int[] shape, int seed) => TorchLayeredModel.ToTensor(Images(count, shape, seed));

    /// <summary>activation + delta, with a delta that varies over the elements, in plain float arithmetic.</summary>
    public static void AddRampDelta(ActivationSpan activation)
    {
        var values = activation.Values;
        for (int i = 0; i < values.Length; i++) values[i] += 0.05f * (i % 7 - 3);
    }

    /// <summary>A copy of <paramref name="activation"/> with <see cref="AddRampDelta"/> applied.</summary>
    public static FloatBatch WithRampDelta(FloatBatch activation)
    {
        var copy = activation.Clone();
        AddRampDelta(copy.AsSpan());
        return copy;
    }
}
