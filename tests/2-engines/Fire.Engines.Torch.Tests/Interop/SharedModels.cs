using System.Text.Json;
using Fire.Data;
using static TorchSharp.torch;

namespace Fire.Engines.Torch.Tests.Interop;

/// <summary>
/// The models PyTorch made for these tests, in ../shared/models beside the repository (see its README): read from there,
/// never copied into the project.
/// </summary>
internal static class SharedModels
{
    public static string Folder(string model)
    {
        string folder = Path.Combine(SharedFolders.Models, model);
        if (!Directory.Exists(folder)) throw new InvalidOperationException($"The shared test models are missing: no {folder}.");
        return folder;
    }

    public static string File(string model, string file) => Path.Combine(Folder(model), file);

    /// <summary>io.json: 8 input images in [0, 1] and the logits PyTorch computed for them after normalising with mean and std.</summary>
    public sealed record Io(float[] Mean, float[] Std, int[] Shape, float[] Inputs, float[][] Logits)
    {
        public Normalization Normalization => new(Mean, Std);
        public Tensor InputTensor() => tensor(Inputs, Shape.Select(d => (long)d).ToArray());
    }

    public static Io ReadIo(string model) =>
        JsonSerializer.Deserialize<Io>(System.IO.File.ReadAllText(File(model, "io.json")), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    /// <summary>The largest absolute difference between a net's logits and PyTorch's.</summary>
    public static double MaxLogitDifference(Tensor logits, float[][] expected)
    {
        var actual = logits.data<float>().ToArray();
        int classes = expected[0].Length;
        Assert.Equal(expected.Length * classes, actual.Length);
        return expected.SelectMany((row, i) => row.Select((v, c) => Math.Abs(v - (double)actual[i * classes + c]))).Max();
    }
}
