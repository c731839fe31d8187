using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using StbImageWriteSharp;

namespace Fire.Data.Tests;


public static class Formats
{
    /// <summary>A binary PPM (P6) or PGM (P5) with a comment in the header, from (C, H, W) planar bytes.</summary>
    public static byte[] Pnm(byte[] planar, int channels, int height, int width)
    {
        var header = Encoding.ASCII.GetBytes($"P{(channels == 3 ? 6 : 5)}\n# test image\n{width} {height}\n255\n");
        return header.Concat(Interleave(planar, channels, height, width)).ToArray();
    }

    public static byte[] Png(byte[] planar, int channels, int height, int width) =>
        Encode(planar, channels, height, width, (w, data, components, stream) => w.WritePng(data, width, height, components, stream));

    public static byte[] Bmp(byte[] planar, int channels, int height, int width) =>
        Encode(planar, channels, height, width, (w, data, components, stream) => w.WriteBmp(data, width, height, components, stream));

    static byte[] Encode(byte[] planar, int channels, int height, int width, Action<ImageWriter, byte[], ColorComponents, Stream> write)
    {
        using var stream = new MemoryStream();
        write(new ImageWriter(), Interleave(planar, channels, height, width),
              channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue, stream);
        return stream.ToArray();
    }

    public static byte[] Interleave(byte[] planar, int channels, int height, int width)
    {
        var interleaved = new byte[planar.Length];
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < height * width; i++)
                interleaved[i * channels + c] = planar[c * height * width + i];
        return interleaved;
    }

    /// <summary>An IDX file: big-endian magic, then the dimensions, then the bytes.</summary>
    public static byte[] Idx(int magic, int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dimensions.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dimensions[i]);
        data.CopyTo(bytes, 4 + 4 * dimensions.Length);
        return bytes;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(data);
        return output.ToArray();
    }

    /// <summary>A .tar.gz of every file under <paramref name="folder"/>, names relative to it (with directory entries,
    /// as tar writes them), in sorted order.</summary>
    public static void TarGz(string folder, string archive)
    {
        using var file = File.Create(archive);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (string directory in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, Path.GetRelativePath(folder, directory) + "/"));
        foreach (string path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            tar.WriteEntry(path, Path.GetRelativePath(folder, path));
    }

    /// <summary>Planar bytes with value (seed + 7 * i) mod 256 at position i: every pixel distinct and predictable.</summary>
    public static byte[] Pattern(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)(seed + 7 * i)).ToArray();
}
