using Fire.Data;

namespace Fire.Training.Tests;

/// <summary>The real data sets the tests train on: FIRE_DATA, else ../shared/data beside the folder holding Fire.slnx.</summary>
internal static class TestData
{
    public static string Root { get; } = FindRoot();

    private static readonly Lazy<DataSplit> MnistSplit = new(() => Datasets.Load("mnist", Root));

    public static DataSplit Mnist => MnistSplit.Value;

    /// <summary>The first <paramref name="count"/> MNIST training images (a fixed, real subset).</summary>
    public static ImageDataset MnistTrain(int count) => Mnist.Train.Subset(Enumerable.Range(0, count).ToArray(), $"mnist/train[0..{count}]");

    public static ImageDataset MnistTest(int count) => Mnist.Test.Subset(Enumerable.Range(0, count).ToArray(), $"mnist/test[0..{count}]");

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("FIRE_DATA") is { Length: > 0 } configured) return configured;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Fire.slnx")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
        throw new DirectoryNotFoundException($"No Fire.slnx above {AppContext.BaseDirectory}; set FIRE_DATA to the data folder.");
    }
}

/// <summary>A fresh folder under the system temp folder, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("fire-training-tests-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
