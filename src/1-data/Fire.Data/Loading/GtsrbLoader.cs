using System.Text.RegularExpressions;
using Fire.Data.Imaging;

namespace Fire.Data.Loading;

/// <summary>
/// The official GTSRB release, from the extracted folders or straight from the archives:
/// training GTSRB/Final_Training/Images/000CC/{GT-000CC.csv, *.ppm}; test GTSRB/Final_Test/Images/*.ppm labelled by
/// GT-final_test.csv (inside the test archive, beside or above the test images, in the data set folder, or in the
/// separate GTSRB_Final_Test_GT archive). Images are optionally cropped to the CSV's region of interest (scaled when a
/// copy's images are not at the size the CSV names), then resized to a square (default 32).
/// </summary>
internal static partial class GtsrbLoader
{
    public const int DefaultSize = 32;
    const string TestLabelsFile = "GT-final_test.csv";
    static readonly string[] TrainingFolders = [Path.Combine("GTSRB", "Final_Training", "Images"), Path.Combine("Final_Training", "Images")];
    static readonly string[] TestFolders = [Path.Combine("GTSRB", "Final_Test", "Images"), Path.Combine("Final_Test", "Images")];

    [GeneratedRegex(@"^GT-\d{5}\.csv$", RegexOptions.IgnoreCase)]
    private static partial Regex TrainingCsvName();

    sealed record Sample(string Path, PlanarImage Image, GtsrbCsv.Row Row);

    /// <summary>True when the folder holds the extracted release or its archives.</summary>
    public static bool Holds(string folder) =>
        FindFolder(folder, TrainingFolders) is not null || FindArchive(folder, IsTrainingArchive) is not null;

    public static DataSplit Load(string location, DataLoadOptions options)
    {
        int size = options.ImageSize ?? DefaultSize;
        string trainingSource = FindFolder(location, TrainingFolders) ?? FindArchive(location, IsTrainingArchive)
            ?? throw Missing(location, "training images (GTSRB/Final_Training/Images or GTSRB_Final_Training_Images.zip/.tar.gz)");
        string testSource = FindFolder(location, TestFolders) ?? FindArchive(location, IsTestImagesArchive)
            ?? throw Missing(location, "test images (GTSRB/Final_Test/Images or GTSRB_Final_Test_Images.zip/.tar.gz)");

        var train = LoadTraining(trainingSource, options);
        var test = LoadTest(testSource, location, options);
        return new DataSplit(Build(train, "gtsrb/train", size, options.CropToRoi),
                             Build(test, "gtsrb/test", size, options.CropToRoi),
                             KnownDatasets.GtsrbNormalization);
    }

    static List<Sample> LoadTraining(string source, DataLoadOptions options)
    {
        var decoded = DecodedImages.Read(source, "gtsrb/train", path => TrainingCsvName().IsMatch(FileName(path)), options.Progress);
        var samples = new List<Sample>();
        var annotated = new HashSet<string>(StringComparer.Ordinal);
        foreach (var csv in decoded.OtherFiles.Values.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            samples.AddRange(Join(csv, FolderOf(csv.Path), decoded, source, annotated));
        }
        if (samples.Count == 0)
            throw new InvalidDataException($"{source}: no annotated training images (no 000CC/GT-000CC.csv files with PPM images).");
        RejectUnannotated(decoded, annotated, source);
        return samples.OrderBy(s => s.Path, StringComparer.Ordinal).ToList();
    }

    static List<Sample> LoadTest(string source, string location, DataLoadOptions options)
    {
        var decoded = DecodedImages.Read(source, "gtsrb/test", IsTestLabels, options.Progress);
        var labels = decoded.OtherFiles.Values.OrderBy(f => f.Path.Length).FirstOrDefault()
                     ?? FindTestLabels(source, location);
        var annotated = new HashSet<string>(StringComparer.Ordinal);
        // The labels name bare file names: join them with the folder that holds the test images.
        var samples = Join(labels, FolderOf(decoded.Images.Keys.FirstOrDefault() ?? ""), decoded, source, annotated);
        RejectUnannotated(decoded, annotated, source);
        return samples.OrderBy(s => s.Path, StringComparer.Ordinal).ToList();
    }

    static List<Sample> Join(FileEntry csv, string folder, DecodedImages decoded, string source, HashSet<string> annotated)
    {
        var samples = new List<Sample>();
        foreach (var row in GtsrbCsv.Parse(csv))
        {
            string path = folder + row.FileName;
            if (!decoded.Images.TryGetValue(path, out var image))
                throw new InvalidDataException($"{csv.Display}: line {row.Line} names {row.FileName}, which is not in {source}.");
            if (row.ClassId >= KnownDatasets.GtsrbClasses.Length)
                throw new InvalidDataException($"{csv.Display}: line {row.Line}: ClassId {row.ClassId} is outside the {KnownDatasets.GtsrbClasses.Length} classes.");
            annotated.Add(path);
            samples.Add(new Sample(path, image, row));
        }
        return samples;
    }

    static void RejectUnannotated(DecodedImages decoded, HashSet<string> annotated, string source)
    {
        string? stray = decoded.Images.Keys.Where(p => !annotated.Contains(p)).Order(StringComparer.Ordinal).FirstOrDefault();
        if (stray is not null)
            throw new InvalidDataException($"{stray} in {source}: no row in the annotation CSV of its folder, so its class is unknown.");
    }

    static ImageDataset Build(List<Sample> samples, string name, int size, bool cropToRoi)
    {
        var pixels = ImageAssembler.Assemble(samples.Count, i => cropToRoi ? Crop(samples[i]) : samples[i].Image, 3, size, size);
        return new ImageDataset(name, pixels, samples.Select(s => s.Row.ClassId).ToArray(), KnownDatasets.GtsrbClasses, 3, size, size);
    }

    /// <summary>Crops to the region of interest, scaled from the CSV's frame to the image's actual size.</summary>
    static PlanarImage Crop(Sample sample)
    {
        var (image, row) = (sample.Image, sample.Row);
        double sx = row.Width > 0 ? (double)image.Width / row.Width : 1, sy = row.Height > 0 ? (double)image.Height / row.Height : 1;
        return image.Crop((int)Math.Floor(row.X1 * sx), (int)Math.Floor(row.Y1 * sy),
                          (int)Math.Ceiling(row.X2 * sx), (int)Math.Ceiling(row.Y2 * sy));
    }

    static FileEntry FindTestLabels(string testSource, string location)
    {
        var candidates = new List<string> { Path.Combine(location, TestLabelsFile), Path.Combine(location, "GTSRB", TestLabelsFile) };
        if (Directory.Exists(testSource)) candidates.Add(Path.Combine(testSource, "..", TestLabelsFile));
        string? file = candidates.Select(Path.GetFullPath).FirstOrDefault(File.Exists);
        if (file is not null) return new FileEntry(TestLabelsFile, file, InputFile.ReadAllBytes(file));
        string? archive = FindArchive(location, IsTestLabelsArchive);
        var entry = archive is null ? null : EntryReader.Read(archive, IsTestLabels).FirstOrDefault();
        return entry ?? throw Missing(location,
            $"the test labels {TestLabelsFile} (in the test archive, beside the test images, or in GTSRB_Final_Test_GT.zip)");
    }

    static bool IsTestLabels(string path) => FileName(path).Equals(TestLabelsFile, StringComparison.OrdinalIgnoreCase);

    static string FileName(string path) => path[(path.LastIndexOf('/') + 1)..];

    /// <summary>The folder part of an entry path, with its trailing '/' ("" at the top).</summary>
    static string FolderOf(string path) => path[..(path.LastIndexOf('/') + 1)];

    // The release's archives: GTSRB_Final_Training_Images, GTSRB_Final_Test_Images (or GTSRB_Final_Test), GTSRB_Final_Test_GT.
    static bool IsTrainingArchive(string stem) => IsRelease(stem) && stem.Contains("Training", StringComparison.OrdinalIgnoreCase);
    static bool IsTestLabelsArchive(string stem) =>
        IsRelease(stem) && stem.Contains("Test", StringComparison.OrdinalIgnoreCase) && stem.EndsWith("GT", StringComparison.OrdinalIgnoreCase);
    static bool IsTestImagesArchive(string stem) =>
        IsRelease(stem) && stem.Contains("Test", StringComparison.OrdinalIgnoreCase) && !IsTestLabelsArchive(stem);
    static bool IsRelease(string stem) => stem.StartsWith("GTSRB", StringComparison.OrdinalIgnoreCase);

    static string? FindFolder(string location, string[] candidates) =>
        Directory.Exists(location)
            ? candidates.Select(c => Path.Combine(location, c)).FirstOrDefault(Directory.Exists)
            : null;

    static string? FindArchive(string location, Func<string, bool> stemMatches) =>
        Directory.Exists(location)
            ? Directory.EnumerateFiles(location).Where(EntryReader.IsArchive).Order(StringComparer.Ordinal)
                .FirstOrDefault(f => stemMatches(EntryReader.StemOf(f)))
            : null;

    static FileNotFoundException Missing(string location, string what) =>
        new($"GTSRB in {location}: found no {what}. {DataLocator.DownloadHelp}", location);
}
