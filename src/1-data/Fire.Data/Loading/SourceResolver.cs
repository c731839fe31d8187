using Fire.Data.Imaging;

namespace Fire.Data.Loading;

/// <summary>A located data set and the loader that reads it.</summary>
/// <param name="Cacheable">Whether decoding is slow enough to be worth the decoded-data cache.</param>
internal sealed record DatasetSource(DatasetLocation Location, bool Cacheable, Func<DataLoadOptions, DataSplit> Load);

/// <summary>Turns a data set name or a path into a <see cref="DatasetSource"/>, detecting the format from the files.</summary>
internal static class SourceResolver
{
    const string CifarBinaryFolder = "cifar-10-batches-bin";

    public static DatasetSource Resolve(string nameOrPath, string? dataRoot) =>
        KnownName(nameOrPath) is { } known ? ForKnown(known, DataLocator.Resolve(dataRoot)) : ForPath(ExistingPath(nameOrPath, dataRoot));

    /// <summary>The known name asked for ("cifar10" for "CIFAR-10"), or null for a path.</summary>
    public static string? KnownName(string nameOrPath) =>
        nameOrPath.Contains('/') || nameOrPath.Contains('\\') ? null : KnownDatasets.Canonical(nameOrPath);

    /// <summary>A known name, or the full path of the folder or archive <paramref name="nameOrPath"/> names.</summary>
    public static string Reference(string nameOrPath, string? dataRoot) => KnownName(nameOrPath) ?? ExistingPath(nameOrPath, dataRoot);

    /// <summary>A known data set inside the data root: root/&lt;name&gt; (any spelling: "CIFAR-10", "fashion_mnist"),
    /// else the root itself is taken to be the data set's folder or archive.</summary>
    static DatasetSource ForKnown(string name, string root)
    {
        string location = DatasetFolder(root, name);
        return name switch
        {
            KnownDatasets.Cifar10 => ImagesOrCifarBinary(location, name, KnownDatasets.Cifar10Normalization),
            KnownDatasets.Gtsrb => Gtsrb(location),
            KnownDatasets.Mnist => Idx(location, name),
            KnownDatasets.FashionMnist => Idx(location, name),
            _ => throw new InvalidOperationException($"No loader for {name}."),
        };
    }

    static DatasetSource ForPath(string path)
    {
        if (Directory.Exists(path))
        {
            if (GtsrbLoader.Holds(path)) return Gtsrb(path);
            if (IdxLoader.Holds(path))
                return Idx(path, Path.GetFileName(Path.TrimEndingDirectorySeparator(path)).Contains("fashion", StringComparison.OrdinalIgnoreCase)
                    ? KnownDatasets.FashionMnist : KnownDatasets.Mnist);
        }
        return ImagesOrCifarBinary(path, EntryReader.StemOf(path), normalization: null);
    }

    static DatasetSource Gtsrb(string location) =>
        new(new DatasetLocation(KnownDatasets.Gtsrb, "gtsrb", location), true, options => GtsrbLoader.Load(location, options));

    static DatasetSource Idx(string folder, string name)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"{name}: {folder} is not a folder of IDX files. {DataLocator.DownloadHelp}");
        var (classes, normalization) = name == KnownDatasets.FashionMnist
            ? (KnownDatasets.FashionMnistClasses, KnownDatasets.FashionMnistNormalization)
            : (KnownDatasets.DigitClasses, KnownDatasets.MnistNormalization);
        return new(new DatasetLocation(name, "idx", folder), false,
                   options => IdxLoader.Load(folder, name, classes, normalization, options));
    }

    /// <summary>The CIFAR-10 binary release (folder, or archive holding it) or an image-folder layout (folder or archive).
    /// In a folder: data_batch_*.bin, then cifar-10-batches-bin/, then class or split folders, then a single archive.</summary>
    static DatasetSource ImagesOrCifarBinary(string location, string name, Normalization? normalization)
    {
        if (Directory.Exists(location))
        {
            if (File.Exists(Path.Combine(location, "data_batch_1.bin"))) return CifarBinary(location);
            string batches = Path.Combine(location, CifarBinaryFolder);
            if (Directory.Exists(batches)) return CifarBinary(batches);
            if (Directory.EnumerateDirectories(location).Any()) return ImageFolder(location, name, normalization);
            var archives = Directory.EnumerateFiles(location).Where(EntryReader.IsArchive).Order(StringComparer.Ordinal).ToList();
            if (archives.Count == 1) return ArchiveOf(archives[0], name, normalization);
            throw new FileNotFoundException(archives.Count == 0
                ? $"{location}: no CIFAR-10 binary files, image folders or archives. {DataLocator.DownloadHelp}"
                : $"{location}: several archives ({string.Join(", ", archives.Select(Path.GetFileName))}); name the one to read.", location);
        }
        if (EntryReader.IsArchive(location)) return ArchiveOf(location, name, normalization);
        throw new InvalidDataException($"{location}: not a folder or a .tar.gz, .tgz, .tar or .zip archive.");
    }

    /// <summary>Looks at the archive's first image or CIFAR-10 release file to tell the two layouts apart.</summary>
    static DatasetSource ArchiveOf(string archive, string name, Normalization? normalization)
    {
        var first = EntryReader.Read(archive, p => ImageDecoder.IsImageFile(p) || Cifar10BinaryLoader.IsReleaseFile(p)).FirstOrDefault()
                    ?? throw new InvalidDataException($"{archive}: holds neither image files nor the CIFAR-10 binary release.");
        return Cifar10BinaryLoader.IsReleaseFile(first.Path) ? CifarBinary(archive) : ImageFolder(archive, name, normalization);
    }

    static DatasetSource CifarBinary(string source) =>
        new(new DatasetLocation(KnownDatasets.Cifar10, "cifar10-binary", source), false,
            options => Cifar10BinaryLoader.Load(source, options));

    static DatasetSource ImageFolder(string source, string name, Normalization? normalization) =>
        new(new DatasetLocation(name, "image-folder", source), true,
            options => ImageFolderLoader.Load(source, name, normalization, options));

    static string DatasetFolder(string root, string name)
    {
        if (!Directory.Exists(root)) return root;
        string key = KnownDatasets.Key(name);
        return Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal)
                   .FirstOrDefault(d => KnownDatasets.Key(Path.GetFileName(d)) == key
                                        || (name == KnownDatasets.Cifar10 && Path.GetFileName(d) == CifarBinaryFolder))
               ?? root;
    }

    static string ExistingPath(string path, string? dataRoot)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full) || File.Exists(full)) return full;
        if (dataRoot is not null && !Path.IsPathRooted(path))
        {
            string underRoot = Path.GetFullPath(Path.Combine(dataRoot, path));
            if (Directory.Exists(underRoot) || File.Exists(underRoot)) return underRoot;
        }
        throw new DirectoryNotFoundException(
            $"'{path}' is neither a known data set ({string.Join(", ", KnownDatasets.Names)}) nor an existing folder or archive ({full}).");
    }
}
