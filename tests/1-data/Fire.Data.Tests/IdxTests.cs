namespace Fire.Data.Tests;

public class IdxTests
{
    /// <summary>Train: 3 images of 2x3, test: 2; pixels Pattern(...), labels given.</summary>
    static void WriteIdx(TempFolder folder, bool gzip, string subfolder = "mnist")
    {
        void Write(string name, byte[] data) => folder.Write($"{subfolder}/{name}{(gzip ? ".gz" : "")}", gzip ? Formats.Gzip(data) : data);
        Write("train-images-idx3-ubyte", Formats.Idx(2051, [3, 2, 3], Formats.Pattern(18, 1)));
        Write("train-labels-idx1-ubyte", Formats.Idx(2049, [3], [5, 0, 9]));
        Write("t10k-images-idx3-ubyte", Formats.Idx(2051, [2, 2, 3], Formats.Pattern(12, 2)));
        Write("t10k-labels-idx1-ubyte", Formats.Idx(2049, [2], [7, 2]));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ReadsGzippedAndRawFiles(bool gzip)
    {
        using var folder = new TempFolder();
        WriteIdx(folder, gzip);
        var split = Datasets.Load("mnist", folder.Path);
        Assert.Equal("mnist/train", split.Train.Name);
        Assert.Equal((1, 2, 3), (split.Train.Channels, split.Train.Height, split.Train.Width));
        Assert.Equal(new[] { 5, 0, 9 }, split.Train.Labels);
        Assert.Equal(new[] { 7, 2 }, split.Test.Labels);
        Assert.Equal(Formats.Pattern(18, 1), split.Train.Pixels);
        Assert.Equal(Formats.Pattern(12, 2), split.Test.Pixels);
        Assert.Equal("9", split.Train.ClassNames[9]);
        Assert.Equal(0.1307f, split.Normalization.Mean[0]);
    }

    [Fact]
    public void FashionMnistHasItsClassNamesAndStatistics()
    {
        using var folder = new TempFolder();
        WriteIdx(folder, gzip: true, subfolder: "Fashion_MNIST");
        var split = Datasets.Load("fashion-mnist", folder.Path);
        Assert.Equal("fashion-mnist/test", split.Test.Name);
        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"], split.Train.ClassNames);
        Assert.Equal(0.3530f, split.Normalization.Std[0]);
        Assert.Equal("fashion-mnist", Datasets.Locate(folder["Fashion_MNIST"]).Name); // detected from a path too
    }

    [Fact]
    public void AWrongMagicNumberIsReported()
    {
        using var folder = new TempFolder();
        WriteIdx(folder, gzip: true);
        string path = folder.Write("mnist/train-images-idx3-ubyte.gz", Formats.Gzip(Formats.Idx(1234, [3, 2, 3], new byte[18])));
        var e = Assert.Throws<InvalidDataException>(() => Datasets.Load("mnist", folder.Path));
        Assert.Contains($"{path}: magic 1234, expected 2051", e.Message);
    }

    [Fact]
    public void LabelCountMismatchAndTruncationAreReported()
    {
        using var folder = new TempFolder();
        WriteIdx(folder, gzip: false);
        folder.Write("mnist/train-labels-idx1-ubyte", Formats.Idx(2049, [2], [5, 0]));
        var mismatch = Assert.Throws<InvalidDataException>(() => Datasets.Load("mnist", folder.Path));
        Assert.Contains("train-labels-idx1-ubyte: 2 labels, but train-images-idx3-ubyte holds 3 images", mismatch.Message);

        WriteIdx(folder, gzip: false);
        folder.Write("mnist/t10k-images-idx3-ubyte", Formats.Idx(2051, [2, 2, 3], new byte[11]));
        var truncated = Assert.Throws<InvalidDataException>(() => Datasets.Load("mnist", folder.Path));
        Assert.Contains("t10k-images-idx3-ubyte: 11 bytes of pixels, but the header promises 2 images of 2x3 = 12 bytes", truncated.Message);
    }

    [Fact]
    public void ATruncatedGzipFileIsReported()
    {
        using var folder = new TempFolder();
        WriteIdx(folder, gzip: true);
        var whole = Formats.Gzip(Formats.Idx(2051, [3, 2, 3], Formats.Pattern(18, 1)));
        string path = folder.Write("mnist/train-images-idx3-ubyte.gz", whole[..(whole.Length - 12)]);
        var e = Assert.Throws<InvalidDataException>(() => Datasets.Load("mnist", folder.Path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        using var folder = new TempFolder();
        WriteIdx(folder, gzip: true);
        File.Delete(folder["mnist/t10k-labels-idx1-ubyte.gz"]);
        var e = Assert.Throws<FileNotFoundException>(() => Datasets.Load("mnist", folder.Path));
        Assert.Contains(folder["mnist/t10k-labels-idx1-ubyte.gz"], e.Message);
    }
}
