using System.Collections.Concurrent;
using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.ExceptionServices;

namespace Fire.Data.Loading;

/// <summary>
/// Streams the files of a folder (recursively) or of a .tar.gz / .tgz / .tar / .zip archive without extracting it,
/// and processes them in parallel: one thread at a time reads (and inflates) the next entry while the others decode.
/// </summary>
internal static class EntryReader
{
    static readonly string[] ArchiveSuffixes = [".tar.gz", ".tgz", ".tar", ".zip"];

    public static bool IsArchive(string path) =>
        ArchiveSuffixes.Any(suffix => path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase));

    /// <summary>The file name without its archive suffix ("cifar10-images.tar.gz" -> "cifar10-images").</summary>
    public static string StemOf(string path)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        string? suffix = ArchiveSuffixes.FirstOrDefault(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase));
        return suffix is null ? name : name[..^suffix.Length];
    }

    /// <summary>Calls <paramref name="process"/> for every file whose relative path passes <paramref name="wanted"/>,
    /// on several threads. The first exception stops the work and is rethrown as it was.</summary>
    public static void ForEachParallel(string source, Func<string, bool> wanted, Action<FileEntry> process)
    {
        var partitioner = Partitioner.Create(Read(source, wanted), EnumerablePartitionerOptions.NoBuffering);
        try
        {
            Parallel.ForEach(partitioner, process);
        }
        catch (AggregateException e)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>The wanted files of a folder (sorted by path) or an archive (in archive order), read one by one.</summary>
    public static IEnumerable<FileEntry> Read(string source, Func<string, bool> wanted)
    {
        if (Directory.Exists(source)) return ReadFolder(source, wanted);
        if (!File.Exists(source)) throw new FileNotFoundException($"Not found: {source}", source);
        InputFile.Check(source); // an empty archive, or a pipe that would block
        if (source.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) return ReadZip(source, wanted);
        if (IsArchive(source)) return ReadTar(source, wanted);
        throw new InvalidDataException($"{source}: not a folder or a .tar.gz, .tgz, .tar or .zip archive.");
    }

    static IEnumerable<FileEntry> ReadFolder(string folder, Func<string, bool> wanted)
    {
        var paths = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(file => (file, relative: Path.GetRelativePath(folder, file).Replace('\\', '/')))
            .Where(p => wanted(p.relative))
            .OrderBy(p => p.relative, StringComparer.Ordinal)
            .ToList();
        foreach (var (file, relative) in paths)
            yield return new FileEntry(relative, file, InputFile.ReadAllBytes(file));
    }

    static IEnumerable<FileEntry> ReadTar(string archive, Func<string, bool> wanted)
    {
        using var file = File.OpenRead(archive);
        using Stream content = archive.EndsWith(".tar", StringComparison.OrdinalIgnoreCase)
            ? file
            : new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(content);
        for (int index = 0; ; index++)
        {
            var (end, next) = Guard(archive, index, () => NextTarEntry(tar, archive, wanted));
            if (end) yield break;
            if (next is not null) yield return next;
        }
    }

    static (bool End, FileEntry? Entry) NextTarEntry(TarReader tar, string archive, Func<string, bool> wanted)
    {
        var entry = tar.GetNextEntry();
        if (entry is null) return (true, null);
        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile))
            return (false, null);
        string path = NormalizeEntryPath(entry.Name);
        if (!wanted(path) || entry.DataStream is null) return (false, null);
        var data = new byte[entry.Length];
        entry.DataStream.ReadExactly(data);
        return (false, new FileEntry(path, $"{path} in {archive}", data));
    }

    static IEnumerable<FileEntry> ReadZip(string archive, Func<string, bool> wanted)
    {
        using var zip = Guard(archive, 0, () => ZipFile.OpenRead(archive));
        for (int index = 0; index < zip.Entries.Count; index++)
        {
            var entry = zip.Entries[index];
            string path = NormalizeEntryPath(entry.FullName);
            if (path.EndsWith('/') || !wanted(path)) continue;
            var data = Guard(archive, index, () =>
            {
                var bytes = new byte[entry.Length];
                using var stream = entry.Open();
                stream.ReadExactly(bytes);
                return bytes;
            });
            yield return new FileEntry(path, $"{path} in {archive}", data);
        }
    }

    static string NormalizeEntryPath(string name)
    {
        name = name.Replace('\\', '/');
        while (name.StartsWith("./", StringComparison.Ordinal)) name = name[2..];
        return name.TrimStart('/');
    }

    /// <summary>Runs one read step, turning the errors of a corrupt or truncated archive into one that names it.</summary>
    static T Guard<T>(string archive, int index, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or (IOException and not FileNotFoundException))
        {
            throw new InvalidDataException($"{archive}: corrupt or truncated archive (after {index:N0} entries): {e.Message}", e);
        }
    }
}
