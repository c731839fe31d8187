using System.Diagnostics;
using System.Globalization;
using Fire.Data.Caching;
using Fire.Data.Loading;

namespace Fire.Data;

/// <summary>The entry point for loading data sets by name (cifar10, gtsrb, mnist, fashion-mnist) or by path.</summary>
public static class Datasets
{
    public static IReadOnlyList<string> Names => KnownDatasets.Names;

    /// <summary>
    /// Loads a data set. A known name (or alias such as "CIFAR-10") is looked for in <paramref name="dataRoot"/>
    /// (default <see cref="DataLocator.Resolve"/>): in its sub-folder cifar10/, gtsrb/, mnist/, fashion-mnist/, or the
    /// root itself when it is that data set's folder or archive. Anything else is a path (absolute, relative to the
    /// current folder, or relative to <paramref name="dataRoot"/>) to a CIFAR-10 binary release, a GTSRB release, IDX
    /// files, or an image-folder layout, as a folder or an archive; the format is detected from the files.
    /// Decoded image data is cached (see <see cref="DatasetCache"/>) unless <see cref="DataLoadOptions.UseCache"/> is false.
    /// </summary>
    public static DataSplit Load(string nameOrPath, string? dataRoot = null, DataLoadOptions? options = null)
    {
        options ??= DataLoadOptions.Default;
        if (options.ImageSize is <= 0)
            throw new ArgumentException($"Image size {options.ImageSize} is not positive.", nameof(options));
        var source = SourceResolver.Resolve(nameOrPath, dataRoot);
        var location = source.Location;
        var watch = Stopwatch.StartNew();
        var split = source.Cacheable && options.UseCache
            ? DatasetCache.GetOrCreate(options.CacheDirectory ?? DatasetCache.DefaultDirectory(), location.Name,
                                       CacheKey(location, options), () => source.Load(options), options.Progress)
            : source.Load(options);
        options.Progress?.Report(
            $"{location.Name}: {split.Train.Count:N0} training and {split.Test.Count:N0} test images of " +
            $"{split.Train.Channels}x{split.Train.Height}x{split.Train.Width} in {watch.Elapsed.TotalSeconds:F1} s");
        return split;
    }

    /// <summary>Where <see cref="Load"/> would read the data set from, and its format (reads at most one archive entry).</summary>
    public static DatasetLocation Locate(string nameOrPath, string? dataRoot = null) =>
        SourceResolver.Resolve(nameOrPath, dataRoot).Location;

    /// <summary>
    /// How a checkpoint or a benchmark records the data set so that it can be loaded again: a known data set asked for
    /// by name keeps its canonical name (then found under whichever data folder is in use), one given as a path becomes
    /// that full path (a folder named "shapes" would not be found again by its name).
    /// </summary>
    public static string Reference(string nameOrPath, string? dataRoot = null) => SourceResolver.Reference(nameOrPath, dataRoot);

    /// <summary>
    /// The training augmentation usual for a data set (a name, alias or split name such as "cifar10/train"):
    /// CIFAR-10 and other image folders: random crop with 4 pixels of zero padding and horizontal flips;
    /// GTSRB: crop with padding 4, no flip; MNIST and Fashion-MNIST (28x28): crop with padding 2, no flip.
    /// Traffic signs and digits change meaning when mirrored.
    /// </summary>
    public static Augmentation DefaultAugmentation(string dataset)
    {
        string name = dataset.Split('/', 2)[0];
        return KnownDatasets.Canonical(name) switch
        {
            KnownDatasets.Gtsrb => new Augmentation(4, false),
            KnownDatasets.Mnist or KnownDatasets.FashionMnist => new Augmentation(2, false),
            _ => new Augmentation(4, true),
        };
    }

    static string CacheKey(DatasetLocation location, DataLoadOptions options) => string.Join('\n',
        $"format-version={CacheFile.FormatVersion}",
        $"name={location.Name}",
        $"format={location.Format}",
        $"source={location.Path}",
        $"fingerprint={SourceFingerprint.Of(location.Path)}",
        $"image-size={options.ImageSize}",
        $"crop-to-roi={options.CropToRoi}",
        $"test-fraction={options.TestFraction.ToString("R", CultureInfo.InvariantCulture)}",
        $"split-seed={options.SplitSeed}");
}
