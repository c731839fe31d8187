namespace Fire.Guard.Onnx.Tests;

/// <summary>The models PyTorch made (../shared/models beside the repository root) and seeded images for them.</summary>
internal static class SharedModels
{
    public static string Folder => SharedFolders.Models;

    public static FloatBatch Images(int count, int[] shape, int seed)
    {
        var random = new Random(seed);
        var data = new float[count * shape.Aggregate(1, (a, d) => a * d)];
        for (int i = 0; i < data.Length; i++) data[i] = random.NextSingle();
        return new FloatBatch(data, [count, .. shape]);
    }
}
