using Fire.Data.Imaging;

namespace Fire.Data.Loading;

/// <summary>
/// Images sorted into class folders, in a folder or an archive (.tar.gz, .tgz, .tar, .zip), at any depth:
/// either [prefix/]train/&lt;class&gt;/file and [prefix/]test/&lt;class&gt;/file (also "val", "validation"),
/// or a single [prefix/]&lt;class&gt;/file layout, which is split per class into train and test with a seeded shuffle
/// (<see cref="DataLoadOptions.TestFraction"/>, <see cref="DataLoadOptions.SplitSeed"/>).
/// Classes are the class folder names sorted by ordinal comparison (for CIFAR-10: the official label order).
/// A data set is grey only when every image is; images are resized to <see cref="DataLoadOptions.ImageSize"/>,
/// by default the size of the first training image.
/// </summary>
internal static class ImageFolderLoader
{
    static readonly string[] TrainFolders = ["train", "training"];
    static readonly string[] TestFolders = ["test", "testing", "val", "valid", "validation"];

    sealed record Sample(string Path, string ClassName, bool? IsTest);

    /// <param name="normalization">Known statistics, or null to compute them from the training split.</param>
    public static DataSplit Load(string source, string name, Normalization? normalization, DataLoadOptions options)
    {
        var decoded = DecodedImages.Read(source, name, _ => false, options.Progress);
        if (decoded.Images.IsEmpty)
            throw new InvalidDataException($"{source}: no image files (JPEG, PNG, BMP, GIF, TGA, PPM, PGM) found.");
        var samples = decoded.Images.Keys.Select(path => Classify(path, source)).ToList();
        var classNames = samples.Select(s => s.ClassName).Distinct().Order(StringComparer.Ordinal).ToArray();
        var labelOf = classNames.Select((className, label) => (className, label)).ToDictionary(p => p.className, p => p.label);
        var (train, test) = Split(samples, labelOf, source, options);
        if (train.Count == 0) throw new InvalidDataException($"{source}: the training split has no images.");

        var first = decoded.Images[train[0].Path];
        int height = options.ImageSize ?? first.Height, width = options.ImageSize ?? first.Width;
        int channels = ImageAssembler.ChannelsFor(decoded.Images.Values);
        var trainSet = Build(train, $"{name}/train");
        return new DataSplit(trainSet, Build(test, $"{name}/test"), normalization ?? PixelStatistics.Normalization(trainSet));

        ImageDataset Build(List<Sample> part, string partName) => new(partName,
            ImageAssembler.Assemble(part.Count, i => decoded.Images[part[i].Path], channels, height, width),
            part.Select(s => labelOf[s.ClassName]).ToArray(),
            classNames, channels, height, width);
    }

    /// <summary>The class (parent folder) and split (grandparent folder, if it is a split name) of an image.</summary>
    static Sample Classify(string path, string source)
    {
        var parts = path.Split('/');
        if (parts.Length < 2)
            throw new InvalidDataException($"{path} in {source}: images must be inside class folders (<class>/{path}).");
        bool? isTest = null;
        if (parts.Length >= 3)
        {
            string splitFolder = parts[^3].ToLowerInvariant();
            if (TrainFolders.Contains(splitFolder)) isTest = false;
            else if (TestFolders.Contains(splitFolder)) isTest = true;
        }
        return new Sample(path, parts[^2], isTest);
    }

    /// <summary>Each split sorted by class, then path.</summary>
    static (List<Sample> Train, List<Sample> Test) Split(List<Sample> samples, Dictionary<string, int> labelOf, string source,
                                                         DataLoadOptions options)
    {
        var ordered = samples.OrderBy(s => labelOf[s.ClassName])
                             .ThenBy(s => s.Path, StringComparer.Ordinal).ToList();
        if (ordered.Any(s => s.IsTest is not null))
        {
            var stray = ordered.FirstOrDefault(s => s.IsTest is null);
            if (stray is not null)
                throw new InvalidDataException(
                    $"{stray.Path} in {source}: outside the train/ and test/ folders that the other images are in.");
            return (ordered.Where(s => s.IsTest == false).ToList(), ordered.Where(s => s.IsTest == true).ToList());
        }
        if (options.TestFraction is < 0 or >= 1)
            throw new ArgumentException($"Test fraction {options.TestFraction} is outside [0, 1).");
        var test = new HashSet<Sample>();
        foreach (var group in ordered.GroupBy(s => s.ClassName))
        {
            var members = group.ToArray();
            new SeededRandom(SeededRandom.Hash((ulong)options.SplitSeed, (ulong)labelOf[group.Key])).Shuffle(members);
            test.UnionWith(members.Take((int)Math.Round(members.Length * options.TestFraction, MidpointRounding.AwayFromZero)));
        }
        return (ordered.Where(s => !test.Contains(s)).ToList(), ordered.Where(test.Contains).ToList());
    }
}
