using Fire.Data.Imaging;
using StbImageWriteSharp;

namespace Fire.Data.Tests;

/// <summary>
/// Every format the decoder reads, cut at every length: each whole file decodes to its exact pixels, and every strict
/// prefix of it is an InvalidDataException naming the file. The decoders themselves fill missing rows and report success
/// (before these checks, half a BMP or TGA was classified without a word).
/// </summary>
public class TruncatedImageTests
{
    const int Height = 6, Width = 5;

    public static TheoryData<string, int> Files => new()
    {
        { "png", 1 }, { "png", 3 }, { "jpg", 3 }, { "bmp", 3 }, { "bmp", 1 }, { "tga", 3 }, { "rle.tga", 3 }, { "rle.tga", 1 },
        { "gif", 1 }, { "ppm", 3 }, { "pgm", 1 },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_prefix_of_a_whole_image_is_refused(string format, int channels)
    {
        var planar = Formats.Pattern(channels * Height * Width, seed: 5);
        var file = Encode(format, planar, channels);
        var whole = ImageDecoder.Decode(file, "whole." + format);
        Assert.Equal((Height, Width), (whole.Height, whole.Width));
        if (format != "jpg") Assert.Equal(whole.Channels == channels ? planar : [.. planar, .. planar, .. planar], whole.Pixels); // grey BMP and GIF decode as colour
        for (int length = 0; length < file.Length; length++)
        {
            var e = Assert.ThrowsAny<Exception>(() => ImageDecoder.Decode(file[..length], "cut." + format));
            Assert.True(e is InvalidDataException, $"{format} cut to {length} of {file.Length} bytes: {e.GetType().Name}: {e.Message}");
            Assert.Contains("cut." + format, e.Message);
        }
    }

    [Theory]
    [InlineData("bmp", "BMP image is truncated")]
    [InlineData("tga", "TGA image is truncated")]
    [InlineData("rle.tga", "TGA image is truncated")]
    [InlineData("gif", "GIF image is truncated")]
    public void Half_a_file_says_it_is_truncated(string format, string message)
    {
        int channels = format == "gif" ? 1 : 3; // the GIF writer writes grey
        var file = Encode(format, Formats.Pattern(channels * Height * Width, seed: 9), channels);
        var e = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(file[..(file.Length / 2)], "half." + format));
        Assert.StartsWith($"half.{format}: the {message}", e.Message);
    }

    [Fact]
    public void A_gif_with_an_unknown_block_is_damaged()
    {
        var file = GifFile.Grey(Formats.Pattern(Height * Width, seed: 2), Height, Width);
        file[^1] = 0x42; // the trailer replaced
        var e = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(file, "odd.gif"));
        Assert.Contains("odd.gif: the GIF image is damaged (an unknown block 0x42", e.Message);
    }

    static byte[] Encode(string format, byte[] planar, int channels) => format switch
    {
        "png" => Formats.Png(planar, channels, Height, Width),
        "bmp" => Formats.Bmp(planar, channels, Height, Width),
        "jpg" => Write(planar, channels, (w, data, c, s) => w.WriteJpg(data, Width, Height, c, s, 90)),
        "tga" => Tga(planar, channels, rle: false),
        "rle.tga" => Tga(planar, channels, rle: true),
        "gif" => GifFile.Grey(planar, Height, Width),
        _ => Formats.Pnm(planar, channels, Height, Width),
    };

    static byte[] Write(byte[] planar, int channels, Action<ImageWriter, byte[], ColorComponents, Stream> write)
    {
        using var stream = new MemoryStream();
        write(new ImageWriter(), Formats.Interleave(planar, channels, Height, Width), channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue, stream);
        return stream.ToArray();
    }

    static readonly Lock TgaSetting = new(); // stb's RLE switch is one static field

    static byte[] Tga(byte[] planar, int channels, bool rle)
    {
        lock (TgaSetting)
        {
            int before = StbImageWrite.stbi_write_tga_with_rle;
            StbImageWrite.stbi_write_tga_with_rle = rle ? 1 : 0;
            try { return Write(planar, channels, (w, data, c, s) => w.WriteTga(data, Width, Height, c, s)); }
            finally { StbImageWrite.stbi_write_tga_with_rle = before; }
        }
    }
}
