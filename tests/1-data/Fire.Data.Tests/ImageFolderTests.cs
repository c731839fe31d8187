namespace Fire.Data.Tests;

public class ImageFolderTests
{
    static readonly DataLoadOptions NoCache = new() { UseCache = false };

    /// <summary>train/{cat,dog}, test/{cat,dog} of 4x3 RGB images in PNG, BMP and PPM; pixels Pattern(36, seed).</summary>
    static void WriteSplitFolders(TempFolder folder, string root)
    {
        folder.Write($"{root}/train/dog/b.png", Formats.Png(Formats.Pattern(36, 1), 3, 3, 4));
        folder.Write($"{root}/train/dog/a.bmp", Formats.Bmp(Formats.Pattern(36, 2), 3, 3, 4));
        folder.Write($"{root}/train/cat/z.ppm", Formats.Pnm(Formats.Pattern(36, 3), 3, 3, 4));
        folder.Write($"{root}/test/cat/c.png", Formats.Png(Formats.Pattern(36, 4), 3, 3, 4));
        folder.Write($"{root}/test/dog/d.ppm", Formats.Pnm(Formats.Pattern(36, 5), 3, 3, 4));
        folder.Write($"{root}/train/README.txt", "not an image");
    }

    [Fact]
    public void ReadsSplitAndClassFoldersInSortedOrder()
    {
        using var folder = new TempFolder();
        WriteSplitFolders(folder, "pets");
        var split = Datasets.Load(folder["pets"], options: NoCache);
        Assert.Equal(("pets/train", "pets/test"), (split.Train.Name, split.Test.Name));
        Assert.Equal(["cat", "dog"], split.Train.ClassNames);
        Assert.Equal((3, 3, 4), (split.Train.Channels, split.Train.Height, split.Train.Width));
        Assert.Equal(new[] { 0, 1, 1 }, split.Train.Labels); // cat/z, dog/a, dog/b
        Assert.Equal(Formats.Pattern(36, 3), split.Train.Image(0).ToArray());
        Assert.Equal(Formats.Pattern(36, 2), split.Train.Image(1).ToArray());
        Assert.Equal(Formats.Pattern(36, 1), split.Train.Image(2).ToArray());
        Assert.Equal(new[] { 0, 1 }, split.Test.Labels);
        Assert.Equal(Formats.Pattern(36, 5), split.Test.Image(1).ToArray());
        // Normalization computed from the training pixels.
        double expectedMean = split.Train.Pixels.Where((_, i) => i % 36 < 12).Average(v => v / 255.0);
        Assert.Equal(expectedMean, split.Normalization.Mean[0], 5);
        Assert.Equal(new Augmentation(4, true), Datasets.DefaultAugmentation(split.Train.Name));
    }

    [Fact]
    public void ATarGzWithATopFolderGivesTheSameData()
    {
        using var folder = new TempFolder();
        WriteSplitFolders(folder, "src/pets");
        Formats.TarGz(folder["src"], folder["pets.tar.gz"]);
        var fromFolder = Datasets.Load(folder["src/pets"], options: NoCache);
        var fromArchive = Datasets.Load(folder["pets.tar.gz"], options: NoCache);
        Assert.Equal("pets/train", fromArchive.Train.Name);
        Assert.Equal(fromFolder.Train.Pixels, fromArchive.Train.Pixels);
        Assert.Equal(fromFolder.Test.Pixels, fromArchive.Test.Pixels);
        Assert.Equal(fromFolder.Train.Labels, fromArchive.Train.Labels);
    }

    [Fact]
    public void ImagesAreResizedToTheFirstTrainingImageAndGreyIsRepeatedIntoRgb()
    {
        using var folder = new TempFolder();
        folder.Write("set/train/a/1.png", Formats.Png(Enumerable.Repeat((byte)90, 3 * 2 * 2).ToArray(), 3, 2, 2));
        folder.Write("set/train/b/1.pgm", Formats.Pnm(Enumerable.Repeat((byte)40, 8 * 6).ToArray(), 1, 8, 6));
        folder.Write("set/test/b/1.pgm", Formats.Pnm([10, 20, 30, 40], 1, 2, 2));
        var split = Datasets.Load(folder["set"], options: NoCache);
        Assert.Equal((3, 2, 2), (split.Train.Channels, split.Train.Height, split.Train.Width));
        Assert.Equal(Enumerable.Repeat((byte)40, 12).ToArray(), split.Train.Image(1).ToArray());
        Assert.Equal(new byte[] { 10, 20, 30, 40, 10, 20, 30, 40, 10, 20, 30, 40 }, split.Test.Image(0).ToArray());

        var resized = Datasets.Load(folder["set"], options: NoCache with { ImageSize = 4 });
        Assert.Equal((4, 4), (resized.Train.Height, resized.Train.Width));
        Assert.All(resized.Train.Image(0).ToArray(), v => Assert.Equal(90, v));
    }

    [Fact]
    public void AllGreyImagesMakeAGreyDataSet()
    {
        using var folder = new TempFolder();
        folder.Write("digits/train/0/a.png", Formats.Png([0, 50, 100, 150], 1, 2, 2));
        folder.Write("digits/test/0/b.png", Formats.Png([1, 2, 3, 4], 1, 2, 2));
        var split = Datasets.Load(folder["digits"], options: NoCache);
        Assert.Equal(1, split.Train.Channels);
        Assert.Equal(new byte[] { 0, 50, 100, 150 }, split.Train.Pixels);
        Assert.Single(split.Normalization.Mean);
    }

    [Fact]
    public void ASingleFolderIsSplitPerClassReproducibly()
    {
        using var folder = new TempFolder();
        for (int i = 0; i < 10; i++) folder.Write($"flat/ant/{i}.pgm", Formats.Pnm([(byte)i], 1, 1, 1));
        for (int i = 0; i < 5; i++) folder.Write($"flat/bee/{i}.pgm", Formats.Pnm([(byte)(100 + i)], 1, 1, 1));
        var split = Datasets.Load(folder["flat"], options: NoCache);
        Assert.Equal(new[] { 8, 4 }, split.Train.CountPerClass());
        Assert.Equal(new[] { 2, 1 }, split.Test.CountPerClass());
        var all = split.Train.Pixels.Concat(split.Test.Pixels).Order().ToArray();
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 101, 102, 103, 104 }, all);

        Assert.Equal(split.Test.Pixels, Datasets.Load(folder["flat"], options: NoCache).Test.Pixels);
        var seeds = Enumerable.Range(1, 5).Select(seed => Datasets.Load(folder["flat"], options: NoCache with { SplitSeed = seed }).Test.Pixels);
        Assert.Contains(seeds, pixels => !pixels.SequenceEqual(split.Test.Pixels));
        var half = Datasets.Load(folder["flat"], options: NoCache with { TestFraction = 0.5 });
        Assert.Equal(new[] { 5, 3 }, half.Test.CountPerClass()); // 2.5 rounds away from zero
    }

    [Fact]
    public void BrokenLayoutsAndFilesAreReported()
    {
        using var folder = new TempFolder();
        folder.Write("loose/train/a/1.png", Formats.Png([1], 1, 1, 1));
        folder.Write("loose/b/2.png", Formats.Png([2], 1, 1, 1));
        var stray = Assert.Throws<InvalidDataException>(() => Datasets.Load(folder["loose"], options: NoCache));
        Assert.Contains("b/2.png in", stray.Message);
        Assert.Contains("outside the train/ and test/ folders", stray.Message);

        folder.Write("bad/train/a/1.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0]);
        var corrupt = Assert.Throws<InvalidDataException>(() => Datasets.Load(folder["bad"], options: NoCache));
        Assert.Contains($"{folder["bad/train/a/1.jpg"]}: the JPEG image is truncated", corrupt.Message);

        folder.Write("empty/train/a/notes.txt", "x");
        var empty = Assert.Throws<InvalidDataException>(() => Datasets.Load(folder["empty"], options: NoCache));
        Assert.Contains("no image files", empty.Message);

        var missing = Assert.Throws<DirectoryNotFoundException>(() => Datasets.Load(folder["nowhere"]));
        Assert.Contains("neither a known data set", missing.Message);
    }
}
