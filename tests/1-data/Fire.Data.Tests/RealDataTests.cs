using System.Formats.Tar;
using System.IO.Compression;
using StbImageSharp;

namespace Fire.Data.Tests;

/// <summary>Exact facts of the real data sets in ../shared/data, checked against bytes read independently.</summary>
[Trait(TestCategories.Name, TestCategories.Slow)]
public class RealDataTests
{
    static byte[] Gunzip(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>One entry of a .tar.gz, read with the framework's reader.</summary>
    static byte[] TarEntry(string archive, string name)
    {
        using var tar = new TarReader(new GZipStream(File.OpenRead(archive), CompressionMode.Decompress));
        while (tar.GetNextEntry() is { } entry)
            if (entry.Name == name)
            {
                using var data = new MemoryStream();
                entry.DataStream!.CopyTo(data);
                return data.ToArray();
            }
        throw new FileNotFoundException($"{name} not in {archive}");
    }

    [Fact]
    public void MnistMatchesTheRawIdxBytes()
    {
        var split = RealData.Load("mnist");
        Assert.Equal((60000, 10000), (split.Train.Count, split.Test.Count));
        Assert.Equal((1, 28, 28), (split.Train.Channels, split.Train.Height, split.Train.Width));
        Assert.Equal(5, split.Train.Labels[0]);
        Assert.Equal(7, split.Test.Labels[0]);

        var images = Gunzip(RealData.File("mnist", "train-images-idx3-ubyte.gz"));
        var labels = Gunzip(RealData.File("mnist", "train-labels-idx1-ubyte.gz"));
        foreach (int index in new[] { 0, 1, 31337, 59999 })
        {
            Assert.Equal(labels[8 + index], split.Train.Labels[index]);
            Assert.Equal(images.AsSpan(16 + index * 784, 784).ToArray(), split.Train.Image(index).ToArray());
        }
        Assert.Equal(images[16 + 5 * 28 + 12], split.Train.Image(0)[5 * 28 + 12]); // row 5, column 12 of the first "5"
        Assert.Equal(new[] { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 }, split.Train.CountPerClass());
    }

    [Fact]
    public void FashionMnistHasItsCountsAndNames()
    {
        var split = RealData.Load("fashion-mnist");
        Assert.Equal((60000, 10000), (split.Train.Count, split.Test.Count));
        Assert.All(split.Train.CountPerClass(), n => Assert.Equal(6000, n));
        Assert.Equal("Ankle boot", split.Train.ClassNames[9]);
        Assert.Equal(9, split.Train.Labels[0]); // the first training image is an ankle boot
        var images = Gunzip(RealData.File("fashion-mnist", "t10k-images-idx3-ubyte.gz"));
        Assert.Equal(images.AsSpan(16 + 9999 * 784, 784).ToArray(), split.Test.Image(9999).ToArray());
    }

    [Fact]
    public void Cifar10HasTheOfficialCountsAndDecodedPixels()
    {
        var split = RealData.Load("cifar10");
        Assert.Equal((50000, 10000), (split.Train.Count, split.Test.Count));
        Assert.Equal((3, 32, 32), (split.Train.Channels, split.Train.Height, split.Train.Width));
        Assert.Equal(["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"], split.Train.ClassNames);
        Assert.All(split.Train.CountPerClass(), n => Assert.Equal(5000, n));
        Assert.All(split.Test.CountPerClass(), n => Assert.Equal(1000, n));
        Assert.Equal(new[] { 0.4914f, 0.4822f, 0.4465f }, split.Normalization.Mean);

        // Train is sorted by class, then file: index 5000 * 3 + 7 is train/cat/0007.jpg.
        var jpeg = TarEntry(RealData.File("cifar10", "cifar10-images.tar.gz"), "train/cat/0007.jpg");
        var decoded = ImageResult.FromMemory(jpeg, ColorComponents.RedGreenBlue);
        var image = split.Train.Image(15007);
        Assert.Equal(3, split.Train.Labels[15007]);
        for (int y = 0; y < 32; y += 5)
            for (int x = 0; x < 32; x += 3)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(decoded.Data[(y * 32 + x) * 3 + c], image[(c * 32 + y) * 32 + x]);
    }

    [Fact]
    public void GtsrbHasTheOfficialCountsAndCsvLabels()
    {
        var split = RealData.Load("gtsrb");
        Assert.Equal((39209, 12630), (split.Train.Count, split.Test.Count));
        Assert.Equal(43, split.Train.ClassCount);
        Assert.Equal((3, 32, 32), (split.Train.Channels, split.Train.Height, split.Train.Width));
        Assert.Equal(210, split.Train.CountPerClass()[0]);
        Assert.Equal(2250, split.Train.CountPerClass()[2]);
        // GT-final_test.csv: 00000.ppm;53;54;6;5;48;49;16 and 00001.ppm;42;45;5;5;36;40;1
        Assert.Equal(16, split.Test.Labels[0]);
        Assert.Equal(1, split.Test.Labels[1]);
        Assert.Equal("Speed limit (30km/h)", split.Test.ClassNames[1]);

        // The copy's test images are 32x32 already, so the loaded pixels are the PPM's bytes, de-interleaved.
        var ppm = TarEntry(RealData.File("gtsrb", "GTSRB_Final_Test.tar.gz"), "GTSRB/Final_Test/Images/00000.ppm");
        var pixels = ppm.AsSpan(ppm.Length - 32 * 32 * 3).ToArray();
        var image = split.Test.Image(0);
        Assert.Equal((116, 139, 174), (image[0], image[1024], image[2048])); // first pixel, read with od from the file
        for (int i = 0; i < 32 * 32; i += 37)
            for (int c = 0; c < 3; c++)
                Assert.Equal(pixels[i * 3 + c], image[c * 1024 + i]);
    }

    [Fact]
    public void SummaryCountsEverySplitAndClass()
    {
        var split = RealData.Load("mnist");
        var summary = DatasetSummary.Of(Datasets.Locate("mnist", RealData.Root), split);
        Assert.Equal(10, summary.ClassCount);
        Assert.Equal(60000, summary.Train.Classes.Sum(c => c.Count));
        Assert.Equal(new ClassCount(1, "1", 1135), summary.Test.Classes[1]);
        Assert.Equal(0.1307, summary.Train.PixelStatistics.Mean[0], 4);
        Assert.Equal(0.3081, summary.Train.PixelStatistics.Std[0], 4);
    }
}
