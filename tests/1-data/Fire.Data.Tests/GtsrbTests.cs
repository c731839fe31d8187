using System.IO.Compression;

namespace Fire.Data.Tests;

public class GtsrbTests
{
    const string Header = "Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId";
    const string Training = "GTSRB/Final_Training/Images";
    const string Test = "GTSRB/Final_Test";

    /// <summary>6x6 RGB PPM whose planar pixels are Pattern(108, seed).</summary>
    static byte[] Image(int seed) => Formats.Pnm(Formats.Pattern(108, seed), 3, 6, 6);

    static byte[] Crop(byte[] planar, int x0, int y0, int x1, int y1) =>
        Enumerable.Range(0, 3).SelectMany(c => Enumerable.Range(y0, y1 - y0).SelectMany(y =>
            Enumerable.Range(x0, x1 - x0).Select(x => planar[(c * 6 + y) * 6 + x]))).ToArray();

    /// <summary>Classes 0 (two images) and 2 (one image), two test images of classes 2 and 0. The CSVs name the
    /// original size 12x12 with ROI (2, 2)-(6, 6): at the real 6x6 size that is (1, 1)-(3, 3).</summary>
    static void WriteRelease(TempFolder folder, string root = "")
    {
        folder.Write($"{root}{Training}/00000/00000_00000.ppm", Image(1));
        folder.Write($"{root}{Training}/00000/00000_00001.ppm", Image(2));
        folder.Write($"{root}{Training}/00000/GT-00000.csv", $"{Header}\r\n00000_00000.ppm;12;12;2;2;6;6;0\r\n00000_00001.ppm;12;12;2;2;6;6;0\r\n");
        folder.Write($"{root}{Training}/00002/00000_00000.ppm", Image(3));
        folder.Write($"{root}{Training}/00002/GT-00002.csv", $"{Header}\n00000_00000.ppm;12;12;2;2;6;6;2\n");
        folder.Write($"{root}{Test}/Images/00000.ppm", Image(4));
        folder.Write($"{root}{Test}/Images/00001.ppm", Image(5));
        folder.Write($"{root}{Test}/Images/GT-final_test.test.csv", "Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2\n00000.ppm;6;6;0;0;6;6\n");
        folder.Write($"{root}{Test}/GT-final_test.csv", $"{Header}\n00000.ppm;6;6;0;0;6;6;2\n00001.ppm;6;6;0;0;6;6;0\n");
    }

    static readonly DataLoadOptions NativeSize = new() { ImageSize = 6, UseCache = false };

    [Fact]
    public void ReadsTheExtractedReleaseWithLabelsFromTheCsvs()
    {
        using var folder = new TempFolder();
        WriteRelease(folder, "gtsrb/");
        var split = Datasets.Load("gtsrb", folder.Path, NativeSize);
        Assert.Equal(("gtsrb/train", "gtsrb/test"), (split.Train.Name, split.Test.Name));
        Assert.Equal(43, split.Train.ClassCount);
        Assert.Equal(new[] { 0, 0, 2 }, split.Train.Labels);
        Assert.Equal(new[] { 2, 0 }, split.Test.Labels);
        Assert.Equal(Formats.Pattern(108, 2), split.Train.Image(1).ToArray());
        Assert.Equal(Formats.Pattern(108, 3), split.Train.Image(2).ToArray());
        Assert.Equal(Formats.Pattern(108, 5), split.Test.Image(1).ToArray());
        Assert.Equal(0.3403f, split.Normalization.Mean[0]);
        Assert.Equal(Datasets.Locate("gtsrb", folder.Path), Datasets.Locate(folder["gtsrb"])); // detected from the path too
    }

    [Fact]
    public void DefaultsTo32x32AndCropsToTheScaledRoi()
    {
        using var folder = new TempFolder();
        WriteRelease(folder);
        var resized = Datasets.Load(folder.Path, options: new DataLoadOptions { UseCache = false });
        Assert.Equal((3, 32, 32), (resized.Train.Channels, resized.Train.Height, resized.Train.Width));

        var cropped = Datasets.Load(folder.Path, options: new DataLoadOptions { ImageSize = 2, CropToRoi = true, UseCache = false });
        Assert.Equal(Crop(Formats.Pattern(108, 1), 1, 1, 3, 3), cropped.Train.Image(0).ToArray());
        Assert.Equal(Crop(Formats.Pattern(108, 3), 1, 1, 3, 3), cropped.Train.Image(2).ToArray());
    }

    [Fact]
    public void ReadsStraightFromTheArchives()
    {
        using var folder = new TempFolder();
        WriteRelease(folder, "extracted/");
        Directory.CreateDirectory(folder["archives"]);
        Directory.CreateDirectory(folder["test/GTSRB"]);
        Directory.Move(folder["extracted/GTSRB/Final_Test"], folder["test/GTSRB/Final_Test"]);
        Formats.TarGz(folder["extracted"], folder["archives/GTSRB_Final_Training_Images.tar.gz"]);
        Formats.TarGz(folder["test"], folder["archives/GTSRB_Final_Test.tar.gz"]);
        var fromArchives = Datasets.Load("gtsrb", folder["archives"], NativeSize);
        Assert.Equal(new[] { 0, 0, 2 }, fromArchives.Train.Labels);
        Assert.Equal(new[] { 2, 0 }, fromArchives.Test.Labels);
        Assert.Equal(Formats.Pattern(108, 4), fromArchives.Test.Image(0).ToArray());
    }

    [Fact]
    public void ReadsTheOfficialZipsWithTheSeparateTestLabels()
    {
        using var folder = new TempFolder();
        WriteRelease(folder, "extracted/");
        string labels = folder["extracted/GTSRB/Final_Test/GT-final_test.csv"];
        Zip(folder["zips/GTSRB_Final_Test_GT.zip"], ("GT-final_test.csv", File.ReadAllBytes(labels)));
        File.Delete(labels);
        Zip(folder["zips/GTSRB_Final_Training_Images.zip"], FilesUnder(folder["extracted"], Training));
        Zip(folder["zips/GTSRB_Final_Test_Images.zip"], FilesUnder(folder["extracted"], Test));
        var split = Datasets.Load("gtsrb", folder["zips"], NativeSize);
        Assert.Equal(new[] { 2, 0 }, split.Test.Labels);
        Assert.Equal(Formats.Pattern(108, 1), split.Train.Image(0).ToArray());
    }

    [Fact]
    public void ACsvLineWithTheWrongFieldCountIsReported()
    {
        using var folder = new TempFolder();
        WriteRelease(folder);
        folder.Write($"{Training}/00002/GT-00002.csv", $"{Header}\n00000_00000.ppm;12;12;2;2;6;2\n");
        var e = Assert.Throws<InvalidDataException>(() => Datasets.Load(folder.Path, options: NativeSize));
        Assert.Contains("GT-00002.csv: line 2 has 7 fields, expected 8", e.Message);
    }

    [Fact]
    public void UnknownAndUnlabelledFilesAreReported()
    {
        using var folder = new TempFolder();
        WriteRelease(folder);
        folder.Write($"{Test}/GT-final_test.csv", $"{Header}\n00000.ppm;6;6;0;0;6;6;2\n00007.ppm;6;6;0;0;6;6;0\n");
        var unknown = Assert.Throws<InvalidDataException>(() => Datasets.Load(folder.Path, options: NativeSize));
        Assert.Contains("GT-final_test.csv: line 3 names 00007.ppm, which is not in", unknown.Message);

        folder.Write($"{Test}/GT-final_test.csv", $"{Header}\n00000.ppm;6;6;0;0;6;6;2\n");
        var unlabelled = Assert.Throws<InvalidDataException>(() => Datasets.Load(folder.Path, options: NativeSize));
        Assert.Contains("00001.ppm in", unlabelled.Message);
        Assert.Contains("no row in the annotation CSV", unlabelled.Message);

        File.Delete(folder[$"{Test}/GT-final_test.csv"]);
        var missing = Assert.Throws<FileNotFoundException>(() => Datasets.Load(folder.Path, options: NativeSize));
        Assert.Contains("GT-final_test.csv", missing.Message);
    }

    [Fact]
    public void ACorruptImageInAnArchiveNamesTheEntryAndTheArchive()
    {
        using var folder = new TempFolder();
        WriteRelease(folder, "extracted/");
        folder.Write($"extracted/{Training}/00000/00000_00001.ppm", "P6\n6 6\n255\nshort"u8.ToArray());
        string archive = folder["GTSRB_Final_Training_Images.tar.gz"];
        Formats.TarGz(folder["extracted"], archive);
        Directory.Delete(folder[$"extracted/{Training}"], recursive: true);
        File.Move(archive, folder["extracted/GTSRB_Final_Training_Images.tar.gz"]);
        var e = Assert.Throws<InvalidDataException>(() => Datasets.Load(folder["extracted"], options: NativeSize));
        Assert.Contains($"{Training}/00000/00000_00001.ppm in {folder["extracted/GTSRB_Final_Training_Images.tar.gz"]}: cannot decode image:", e.Message);
    }

    [Fact]
    public void ATruncatedArchiveIsReported()
    {
        using var folder = new TempFolder();
        WriteRelease(folder, "extracted/");
        Formats.TarGz(folder["extracted"], folder["whole.tar.gz"]);
        var bytes = File.ReadAllBytes(folder["whole.tar.gz"]);
        folder.Write("data/GTSRB_Final_Test.tar.gz", bytes);
        string archive = folder.Write("data/GTSRB_Final_Training_Images.tar.gz", bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => Datasets.Load(folder["data"], options: NativeSize));
        Assert.Contains(archive, e.Message);
    }

    static (string Name, byte[] Data)[] FilesUnder(string root, string relative) =>
        Directory.EnumerateFiles(Path.Combine(root, relative), "*", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(root, f), File.ReadAllBytes(f))).ToArray();

    static void Zip(string path, params (string Name, byte[] Data)[] files)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, data) in files)
        {
            using var stream = zip.CreateEntry(name).Open();
            stream.Write(data);
        }
    }
}
