using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Fire.Data.Caching;

/// <summary>
/// The binary file that holds a decoded <see cref="DataSplit"/>:
/// magic "FIRECACH", int32 header length, UTF-8 JSON header, XxHash64 of the header, then per split the labels
/// (int32 little-endian) and the pixels. The header records the cache key, every length and the XxHash3 of the
/// payload, so a truncated, corrupt or foreign file is recognised and never trusted.
/// </summary>
internal static class CacheFile
{
    public const int FormatVersion = 1;
    static readonly byte[] Magic = "FIRECACH"u8.ToArray();
    const int MaxHeaderLength = 1 << 24;

    sealed record SplitHeader(string Name, int Count, int Channels, int Height, int Width, string[] ClassNames);

    sealed record Header(int Version, string Key, long PayloadLength, ulong PayloadHash,
                         SplitHeader Train, SplitHeader Test, float[] Mean, float[] Std);

    public static void Write(Stream stream, string key, DataSplit split)
    {
        var payloadHash = new XxHash3();
        long payloadLength = 0;
        VisitPayload(split, part =>
        {
            payloadHash.Append(part);
            payloadLength += part.Length;
        });
        var header = new Header(FormatVersion, key, payloadLength, payloadHash.GetCurrentHashAsUInt64(),
            Describe(split.Train), Describe(split.Test), split.Normalization.Mean, split.Normalization.Std);
        byte[] headerBytes = JsonSerializer.SerializeToUtf8Bytes(header);

        stream.Write(Magic);
        stream.Write(BitConverter.GetBytes(headerBytes.Length));
        stream.Write(headerBytes);
        stream.Write(BitConverter.GetBytes(XxHash64.HashToUInt64(headerBytes)));
        VisitPayload(split, stream.Write);
    }

    /// <summary>The split stored in the file, or null when the file is not a complete, intact cache for
    /// <paramref name="key"/> (wrong magic, version or key, bad header checksum, wrong length, bad payload checksum).</summary>
    public static DataSplit? TryRead(Stream stream, string key)
    {
        Span<byte> fixedPart = stackalloc byte[Magic.Length + sizeof(int)];
        if (stream.ReadAtLeast(fixedPart, fixedPart.Length, throwOnEndOfStream: false) < fixedPart.Length) return null;
        if (!fixedPart[..Magic.Length].SequenceEqual(Magic)) return null;
        int headerLength = BitConverter.ToInt32(fixedPart[Magic.Length..]);
        if (headerLength <= 0 || headerLength > MaxHeaderLength || headerLength > stream.Length) return null;

        var headerBytes = new byte[headerLength];
        var headerHash = new byte[sizeof(ulong)];
        if (stream.ReadAtLeast(headerBytes, headerLength, false) < headerLength) return null;
        if (stream.ReadAtLeast(headerHash, headerHash.Length, false) < headerHash.Length) return null;
        if (BitConverter.ToUInt64(headerHash) != XxHash64.HashToUInt64(headerBytes)) return null;

        Header? header;
        try { header = JsonSerializer.Deserialize<Header>(headerBytes); }
        catch (JsonException) { return null; }
        if (header is null || header.Version != FormatVersion || header.Key != key) return null;
        if (stream.Length - stream.Position != header.PayloadLength) return null;

        var payloadHash = new XxHash3();
        var train = ReadSplit(stream, header.Train, payloadHash);
        var test = ReadSplit(stream, header.Test, payloadHash);
        if (train is null || test is null || payloadHash.GetCurrentHashAsUInt64() != header.PayloadHash) return null;
        try
        {
            return new DataSplit(train, test, new Normalization(header.Mean, header.Std));
        }
        catch (ArgumentException) { return null; }
    }

    static ImageDataset? ReadSplit(Stream stream, SplitHeader split, XxHash3 payloadHash)
    {
        long pixelCount = (long)split.Count * split.Channels * split.Height * split.Width;
        if (split.Count < 0 || pixelCount < 0 || pixelCount > Array.MaxLength || stream.Length - stream.Position < pixelCount)
            return null;
        var labels = new int[split.Count];
        var pixels = new byte[pixelCount];
        var labelBytes = MemoryMarshal.AsBytes(labels.AsSpan());
        if (stream.ReadAtLeast(labelBytes, labelBytes.Length, false) < labelBytes.Length) return null;
        if (stream.ReadAtLeast(pixels, pixels.Length, false) < pixels.Length) return null;
        payloadHash.Append(labelBytes);
        payloadHash.Append(pixels);
        try
        {
            return new ImageDataset(split.Name, pixels, labels, split.ClassNames, split.Channels, split.Height, split.Width);
        }
        catch (ArgumentException) { return null; }
    }

    static SplitHeader Describe(ImageDataset data) =>
        new(data.Name, data.Count, data.Channels, data.Height, data.Width, data.ClassNames.ToArray());

    delegate void PartVisitor(ReadOnlySpan<byte> part);

    /// <summary>The payload in file order; numbers are stored in the machine's (little-endian) byte order.</summary>
    static void VisitPayload(DataSplit split, PartVisitor visit)
    {
        foreach (var data in new[] { split.Train, split.Test })
        {
            visit(MemoryMarshal.AsBytes(data.Labels.AsSpan()));
            visit(data.Pixels);
        }
    }
}
