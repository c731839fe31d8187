namespace Fire.Data.Tests;

public class Cifar10BinaryTests
{
    const int RecordBytes = 3073;

    /// <summary>Writes the release with <paramref name="recordsPerFile"/> records per batch file; record r of file f has
    /// label (f + r) % 10 and image bytes Pattern(3072, seed 10 f + r).</summary>
    static string WriteRelease(TempFolder folder, int recordsPerFile = 2, string root = "cifar-10-batches-bin")
    {
        string[] files = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"];
        for (int f = 0; f < files.Length; f++)
            folder.Write($"{root}/{files[f]}", Enumerable.Range(0, recordsPerFile).SelectMany(r => Record(f, r)).ToArray());
        folder.Write($"{root}/batches.meta.txt", "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
        return folder[root];
    }

    static byte[] Record(int file, int record) => [(byte)((file + record) % 10), .. Formats.Pattern(3072, 10 * file + record)];

    [Fact]
    public void ReadsRecordsAsChannelFirstImagesInFileOrder()
    {
        using var folder = new TempFolder();
        string release = WriteRelease(folder);
        var split = Datasets.Load(release);
        Assert.Equal("cifar10/train", split.Train.Name);
        Assert.Equal((10, 2), (split.Train.Count, split.Test.Count));
        Assert.Equal((3, 32, 32), (split.Train.Channels, split.Train.Height, split.Train.Width));
        Assert.Equal("truck", split.Train.ClassNames[9]);
        Assert.Equal(new[] { 0, 1, 1, 2, 2, 3, 3, 4, 4, 5 }, split.Train.Labels);
        Assert.Equal(new[] { 5, 6 }, split.Test.Labels);
        // Image 3 = data_batch_2, record 1: bytes 1..3072 of the record, the R, G and B planes in order.
        Assert.Equal(Record(1, 1)[1..], split.Train.Image(3).ToArray());
        Assert.Equal(Record(5, 0)[1..], split.Test.Image(0).ToArray());
        Assert.Equal(0.4914f, split.Normalization.Mean[0]);
    }

    [Fact]
    public void ReadsTheOfficialTarGzAndTheFolderAboveTheBatches()
    {
        using var folder = new TempFolder();
        string release = WriteRelease(folder, root: "data/cifar-10-batches-bin");
        string archive = folder["cifar-10-binary.tar.gz"];
        Formats.TarGz(folder["data"], archive);
        var fromFolder = Datasets.Load(release);
        var fromArchive = Datasets.Load(archive);
        var fromParent = Datasets.Load("cifar10", dataRoot: folder["data"]);
        Assert.Equal("cifar10-binary", Datasets.Locate(archive).Format);
        foreach (var other in new[] { fromArchive, fromParent })
        {
            Assert.Equal(fromFolder.Train.Pixels, other.Train.Pixels);
            Assert.Equal(fromFolder.Test.Labels, other.Test.Labels);
        }
    }

    [Fact]
    public void APartialRecordIsReportedWithTheFileAndSizes()
    {
        using var folder = new TempFolder();
        string release = WriteRelease(folder);
        folder.Write("cifar-10-batches-bin/data_batch_3.bin", new byte[2 * RecordBytes + 5]);
        var e = Assert.Throws<InvalidDataException>(() => Datasets.Load(release));
        Assert.Contains("data_batch_3.bin: 6,151 bytes is not a whole number of 3,073-byte records", e.Message);
    }

    [Fact]
    public void AMissingBatchOrAnUnknownLabelIsReported()
    {
        using var folder = new TempFolder();
        string release = WriteRelease(folder);
        File.Delete(Path.Combine(release, "test_batch.bin"));
        var missing = Assert.Throws<FileNotFoundException>(() => Datasets.Load(release));
        Assert.Contains(Path.Combine(release, "test_batch.bin"), missing.Message);

        var bad = Record(0, 0);
        bad[0] = 12;
        folder.Write("cifar-10-batches-bin/test_batch.bin", bad);
        var label = Assert.Throws<InvalidDataException>(() => Datasets.Load(release));
        Assert.Contains("test_batch.bin: record 0 has label 12, but there are 10 classes", label.Message);
    }

    [Fact]
    public void AnImageSizeResizesTheImages()
    {
        using var folder = new TempFolder();
        var split = Datasets.Load(WriteRelease(folder, recordsPerFile: 1), options: new DataLoadOptions { ImageSize = 16 });
        Assert.Equal((3, 16, 16), (split.Train.Channels, split.Train.Height, split.Train.Width));
        Assert.Equal(5 * 3 * 16 * 16, split.Train.Pixels.Length);
    }
}
