using StbImageSharp;

namespace Fire.Data.Tests;

public class ImageGridTests
{
    [Fact]
    public void WritesAScaledRgbGridWithDarkSeparators()
    {
        using var folder = new TempFolder();
        // Three 1x2 RGB images: image n has R = 0.1 (n + 1), G = 0.5, B = 1 in its left pixel and 0, 0, 0 in its right one.
        var images = new float[3 * 3 * 2];
        for (int n = 0; n < 3; n++)
        {
            images[n * 6 + 0] = 0.1f * (n + 1);
            images[n * 6 + 2] = 0.5f;
            images[n * 6 + 4] = 1.5f; // clamped to 1
        }
        string path = folder["previews/deep/grid.png"];
        ImageGrid.Save(path, images, count: 3, channels: 3, height: 1, width: 2, columns: 2, scale: 2);

        var png = ImageResult.FromMemory(File.ReadAllBytes(path), ColorComponents.RedGreenBlue);
        // 2 columns of 4 px + 3 separators = 11 wide; 2 rows of 2 px + 3 separators = 7 high.
        Assert.Equal((11, 7), (png.Width, png.Height));
        byte[] Pixel(int x, int y) => png.Data.AsSpan((y * png.Width + x) * 3, 3).ToArray();
        Assert.Equal(new byte[] { 32, 32, 32 }, Pixel(0, 0));
        Assert.Equal(new byte[] { 32, 32, 32 }, Pixel(5, 2));
        // Bytes truncate as PixelBytes.Quantize does: 0.1 * 255 = 25.5 -> 25, 0.5 * 255 = 127.5 -> 127.
        Assert.Equal(new byte[] { 25, 127, 255 }, Pixel(1, 1));  // image 0, left pixel, scaled 2x: (1..2, 1..2)
        Assert.Equal(new byte[] { 25, 127, 255 }, Pixel(2, 2));
        Assert.Equal(new byte[] { 0, 0, 0 }, Pixel(3, 1));       // image 0, right pixel
        Assert.Equal(new byte[] { 51, 127, 255 }, Pixel(6, 1));  // image 1 in column 2
        Assert.Equal(new byte[] { 76, 127, 255 }, Pixel(1, 4));  // image 2 on the second row
        Assert.Equal(new byte[] { 32, 32, 32 }, Pixel(7, 4));    // the empty cell stays dark
        Assert.Single(Directory.GetFiles(folder["previews/deep"])); // no temporary file left
    }

    [Fact]
    public void GreyImagesAreWrittenAsGrey()
    {
        using var folder = new TempFolder();
        var data = new ImageDataset("g", [0, 255, 100, 50], [0, 0], ["x"], 1, 1, 2);
        string path = folder["g.png"];
        ImageGrid.Save(path, data, [1, 0], columns: 1, scale: 1);
        var info = ImageInfo.FromStream(File.OpenRead(path))!.Value;
        Assert.Equal(ColorComponents.Grey, info.ColorComponents);
        var png = ImageResult.FromMemory(File.ReadAllBytes(path), ColorComponents.Grey);
        Assert.Equal((4, 5), (png.Width, png.Height));
        Assert.Equal(new byte[] { 32, 100, 50, 32 }, png.Data.AsSpan(1 * 4, 4).ToArray());
        Assert.Equal(new byte[] { 32, 0, 255, 32 }, png.Data.AsSpan(3 * 4, 4).ToArray());
    }

    [Fact]
    public void UnsupportedShapesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => ImageGrid.Save("x.png", new float[8], 1, 2, 2, 2, 1));
        Assert.Throws<ArgumentException>(() => ImageGrid.Save("x.png", new float[3], 1, 3, 2, 2, 1));
    }
}
