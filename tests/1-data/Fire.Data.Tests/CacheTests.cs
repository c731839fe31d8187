using Fire.Data.Caching;

namespace Fire.Data.Tests;

public class CacheTests
{
    static DataSplit Sample(int seed) => new(
        new ImageDataset("toy/train", Formats.Pattern(3 * 2 * 2 * 3, seed), [0, 1, 1], ["x", "y"], 3, 2, 2),
        new ImageDataset("toy/test", Formats.Pattern(3 * 2 * 2, seed + 1), [1], ["x", "y"], 3, 2, 2),
        new Normalization([0.1f, 0.2f, 0.3f], [0.4f, 0.5f, 0.6f]));

    static void AssertSame(DataSplit expected, DataSplit actual)
    {
        foreach (var (e, a) in new[] { (expected.Train, actual.Train), (expected.Test, actual.Test) })
        {
            Assert.Equal(e.Name, a.Name);
            Assert.Equal(e.Pixels, a.Pixels);
            Assert.Equal(e.Labels, a.Labels);
            Assert.Equal(e.ClassNames, a.ClassNames);
            Assert.Equal((e.Channels, e.Height, e.Width), (a.Channels, a.Height, a.Width));
        }
        Assert.Equal(expected.Normalization.Mean, actual.Normalization.Mean);
        Assert.Equal(expected.Normalization.Std, actual.Normalization.Std);
    }

    /// <summary>Loads through the cache, counting how often the loader really ran.</summary>
    sealed class CountingLoader(string directory, string key, int seed = 7)
    {
        public int Calls { get; private set; }
        public string Path => DatasetCache.FilePath(directory, "toy", key);

        public DataSplit Load() => DatasetCache.GetOrCreate(directory, "toy", key, () => { Calls++; return Sample(seed); }, null);
    }

    [Fact]
    public void ASecondLoadReadsTheIdenticalDataFromTheCache()
    {
        using var folder = new TempFolder();
        var loader = new CountingLoader(folder.Path, "key-a");
        AssertSame(Sample(7), loader.Load());
        AssertSame(Sample(7), loader.Load());
        Assert.Equal(1, loader.Calls);
        Assert.Single(Directory.GetFiles(folder.Path)); // no temporary file left behind
    }

    [Theory]
    [InlineData("payload")]
    [InlineData("header")]
    [InlineData("truncated")]
    [InlineData("empty")]
    [InlineData("appended")]
    public void ADamagedCacheFileIsRebuiltNotTrusted(string damage)
    {
        using var folder = new TempFolder();
        var loader = new CountingLoader(folder.Path, "key-b");
        loader.Load();
        var bytes = File.ReadAllBytes(loader.Path);
        bytes = damage switch
        {
            "payload" => bytes.Select((b, i) => i == bytes.Length - 3 ? (byte)(b ^ 1) : b).ToArray(),
            "header" => bytes.Select((b, i) => i == 20 ? (byte)(b ^ 0x20) : b).ToArray(),
            "truncated" => bytes[..(bytes.Length - 10)],
            "empty" => [],
            _ => [.. bytes, 0],
        };
        File.WriteAllBytes(loader.Path, bytes);
        AssertSame(Sample(7), loader.Load());
        Assert.Equal(2, loader.Calls);
        loader.Load();
        Assert.Equal(2, loader.Calls); // the rebuilt file is good again
    }

    [Fact]
    public void AFileWrittenForAnotherKeyIsNotUsed()
    {
        using var folder = new TempFolder();
        var first = new CountingLoader(folder.Path, "key-c", seed: 1);
        var second = new CountingLoader(folder.Path, "key-d", seed: 2);
        first.Load();
        File.Copy(first.Path, second.Path); // as if two keys hashed to one file name
        AssertSame(Sample(2), second.Load());
        Assert.Equal(1, second.Calls);
    }

    [Fact]
    public void DatasetsLoadUsesTheCacheAndNoticesChangedSources()
    {
        using var folder = new TempFolder();
        folder.Write("set/train/a/1.pgm", Formats.Pnm([1, 2, 3, 4], 1, 2, 2));
        folder.Write("set/test/a/1.pgm", Formats.Pnm([5, 6, 7, 8], 1, 2, 2));
        var messages = new List<string>();
        var options = new DataLoadOptions { CacheDirectory = folder["cache"], Progress = new SyncProgress(messages) };
        var first = Datasets.Load(folder["set"], options: options);
        var second = Datasets.Load(folder["set"], options: options);
        AssertSame(first, second);
        Assert.Single(Directory.GetFiles(folder["cache"]));
        Assert.Contains(messages, m => m.StartsWith("Loaded decoded data from the cache", StringComparison.Ordinal));

        string changed = folder.Write("set/train/a/1.pgm", Formats.Pnm([9, 9, 9, 9], 1, 2, 2));
        File.SetLastWriteTimeUtc(changed, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(new byte[] { 9, 9, 9, 9 }, Datasets.Load(folder["set"], options: options).Train.Pixels);
        Assert.Equal(new byte[] { 9, 9, 9, 9 }, Datasets.Load(folder["set"], options: options with { ImageSize = 2 }).Train.Pixels);
        Assert.Equal(3, Directory.GetFiles(folder["cache"]).Length); // one file per source state and options
    }

    [Fact]
    public void TheFolderIsFireCacheElseXdgCacheHomeElseHomeCache()
    {
        Assert.Equal("/data/c", DatasetCache.DefaultDirectory("/data/c", "/xdg", "/home/u"));
        Assert.Equal("/xdg/fire", DatasetCache.DefaultDirectory(null, "/xdg", "/home/u"));
        Assert.Equal("/home/u/.cache/fire", DatasetCache.DefaultDirectory("", " ", "/home/u"));
    }
}

/// <summary>Collects progress lines synchronously (Progress&lt;T&gt; posts them later on the thread pool).</summary>
sealed class SyncProgress(List<string> lines) : IProgress<string>
{
    public void Report(string value)
    {
        lock (lines) lines.Add(value);
    }
}
