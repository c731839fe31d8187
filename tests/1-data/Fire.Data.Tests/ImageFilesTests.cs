using Fire.Data.Imaging;

namespace Fire.Data.Tests;

/// <summary>Loose image files (flagged samples, inputs to classify): reading files, folders and archives; writing one PNG.</summary>
public class ImageFilesTests
{
    [Fact]
    public void AFoldersImagesComeSortedByPathWithTheirExactPixels()
    {
        using var folder = new TempFolder();
        var red = Formats.Pattern(3 * 4 * 4, seed: 1);
        var grey = Formats.Pattern(4 * 4, seed: 2);
        folder.Write("b/second.png", Formats.Png(red, 3, 4, 4));
        folder.Write("a/first.pgm", Formats.Pnm(grey, 1, 4, 4));
        folder.Write("a/notes.txt", "not an image");

        var set = ImageFiles.Load([folder.Path], 3, 4, 4);
        Assert.Equal(["a/first.pgm", "b/second.png"], set.Names);
        Assert.Equal([folder["a/first.pgm"], folder["b/second.png"]], set.Files);
        Assert.Equal(0, set.Resized);
        // The grey image is repeated into three channels; the colour one is unchanged.
        Assert.Equal(grey.Concat(grey).Concat(grey), set.Pixels[..48]);
        Assert.Equal(red, set.Pixels[48..]);
    }

    [Fact]
    public void FilesAndArchivesKeepTheOrderGivenAndOtherSizesAreResized()
    {
        using var folder = new TempFolder();
        string single = folder.Write("single.png", Formats.Png(Enumerable.Repeat((byte)200, 8 * 8).ToArray(), 1, 8, 8));
        folder.Write("packed/x.png", Formats.Png(Formats.Pattern(16, seed: 3), 1, 4, 4));
        string archive = folder["packed.tar.gz"];
        Formats.TarGz(folder["packed"], archive);

        var set = ImageFiles.Load([single, archive], 1, 4, 4);
        Assert.Equal(["single.png", "x.png"], set.Names);
        Assert.Equal($"x.png in {archive}", set.Files[1]);
        Assert.Equal(1, set.Resized);
        Assert.All(set.Pixels[..16], value => Assert.Equal(200, value)); // a flat image stays flat when halved
        Assert.Equal(Formats.Pattern(16, seed: 3), set.Pixels[16..]);
    }

    [Fact]
    public void BadSourcesAreNamed()
    {
        using var folder = new TempFolder();
        folder.Write("empty/readme.txt", "no images here");
        string broken = folder.Write("broken/bad.png", "not a png");
        string text = folder.Write("plain.txt", "text");

        Assert.Contains("missing", Assert.Throws<FileNotFoundException>(() => ImageFiles.Load([folder["missing"]], 3, 4, 4)).Message);
        Assert.Contains("no image files", Assert.Throws<InvalidDataException>(() => ImageFiles.Load([folder["empty"]], 3, 4, 4)).Message);
        Assert.Contains(broken, Assert.Throws<InvalidDataException>(() => ImageFiles.Load([folder["broken"]], 3, 4, 4)).Message);
        Assert.Contains("not an image file", Assert.Throws<InvalidDataException>(() => ImageFiles.Load([text], 3, 4, 4)).Message);
        Assert.Throws<ArgumentException>(() => ImageFiles.Load([], 3, 4, 4));
        Assert.Throws<ArgumentException>(() => ImageFiles.Load([folder.Path], 2, 4, 4));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void SavePngWritesTheImageItReadsBack(int channels)
    {
        using var folder = new TempFolder();
        var bytes = Formats.Pattern(channels * 3 * 5, seed: 4);
        var values = bytes.Select(b => b / 255f).ToArray();
        values[0] = -0.5f; // clamped to 0
        string path = folder["out/deep/image.png"];

        ImageFiles.SavePng(path, values, channels, 3, 5);
        var image = ImageDecoder.Load(path);
        Assert.Equal((channels, 3, 5), (image.Channels, image.Height, image.Width));
        Assert.Equal(bytes.Skip(1).Prepend((byte)0), image.Pixels);
        Assert.Throws<ArgumentException>(() => ImageFiles.SavePng(path, values[1..], channels, 3, 5));
    }
}
