using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text;

namespace Fire.Data.Caching;

/// <summary>
/// Keeps decoded data sets as binary files so that the second load of a data set reads bytes instead of decoding
/// tens of thousands of images. One file per cache key (source path, size and modification times, loader options,
/// format version); written atomically; a file that fails any check is rebuilt silently.
/// </summary>
public static class DatasetCache
{
    public const string EnvironmentVariable = "FIRE_CACHE";
    static readonly ConcurrentDictionary<string, object> Locks = new();

    /// <summary>$FIRE_CACHE if set, else $XDG_CACHE_HOME/fire, else ~/.cache/fire.</summary>
    public static string DefaultDirectory() =>
        DefaultDirectory(Environment.GetEnvironmentVariable(EnvironmentVariable), Environment.GetEnvironmentVariable("XDG_CACHE_HOME"),
                         Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    internal static string DefaultDirectory(string? fireCache, string? xdgCacheHome, string home) => Path.GetFullPath(
        !string.IsNullOrWhiteSpace(fireCache) ? fireCache
        : !string.IsNullOrWhiteSpace(xdgCacheHome) ? Path.Combine(xdgCacheHome, "fire")
        : Path.Combine(home, ".cache", "fire"));

    /// <summary>The cache file that holds the data set for <paramref name="key"/>.</summary>
    internal static string FilePath(string directory, string label, string key) =>
        Path.Combine(directory, $"{label}-{Convert.ToHexStringLower(XxHash64.Hash(Encoding.UTF8.GetBytes(key)))}.cache");

    /// <summary>The cached split for <paramref name="key"/>, or the result of <paramref name="create"/>, which is then stored.
    /// Failing to write the cache (read-only folder, full disk) is reported and otherwise ignored.</summary>
    internal static DataSplit GetOrCreate(string directory, string label, string key, Func<DataSplit> create,
                                          IProgress<string>? progress)
    {
        string path = FilePath(directory, label, key);
        lock (Locks.GetOrAdd(path, _ => new object()))
        {
            var cached = TryLoad(path, key, progress);
            if (cached is not null) return cached;
            var split = create();
            try
            {
                Store(path, key, split);
                progress?.Report($"{label}: cached the decoded data in {path}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                progress?.Report($"{label}: could not write the cache file {path}: {e.Message}");
            }
            return split;
        }
    }

    static DataSplit? TryLoad(string path, string key, IProgress<string>? progress)
    {
        if (!File.Exists(path)) return null;
        DataSplit? split;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            split = CacheFile.TryRead(stream, key);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            split = null;
        }
        if (split is not null)
        {
            progress?.Report($"Loaded decoded data from the cache {path}");
            return split;
        }
        progress?.Report($"The cache file {path} is damaged or out of date; rebuilding it.");
        TryDelete(path);
        return null;
    }

    /// <summary>Writes to a temporary file beside the target and renames it, so readers never see half a file.</summary>
    static void Store(string path, string key, DataSplit split)
    {
        AtomicFile.RemoveDeadTemporaries(path); // a killed run's half-written cache
        AtomicFile.Write(path, stream => CacheFile.Write(stream, key, split));
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
