namespace Fire.Guard.Onnx.Tests;

/// <summary>The models PyTorch made (../shared/models beside the repository root) and seeded images for them.</summary>
internal static class SharedModels
{
    public static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "..", "shared", "models");
                if (File.Exists(Path.Combine(dir.FullName, "Fire.slnx")) && Directory.Exists(candidate)) return Path.GetFullPath(candidate);
            }
            throw new DirectoryNotFoundException("No ../shared/models beside the repository root (see its README).");
        }
    }

    public static FloatBatch Images(int count, int[] shape, int seed)
    {
        var random = new Random(seed);
        var data = new float[count * shape.Aggregate(1, (a, d) => a * d)];
        for (int i = 0; i < data.Length; i++) data[i] = random.NextSingle();
        return new FloatBatch(data, [count, .. shape]);
    }
}
