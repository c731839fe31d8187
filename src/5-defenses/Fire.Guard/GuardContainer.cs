using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Fire.Guard;

/// <summary>
/// The binary layout of a version-2 guard file: the magic line <c>fire-guard 2\n</c>, the JSON header (int64 length,
/// UTF-8), the number of raw arrays (int32) and each as int64 length + bytes, then the SHA-256 of everything before
/// it. Arrays stay raw (no base64 text: docs/reliability.md gives a small CNN's guard size in both versions),
/// and the checksum turns any damage, truncation or hand edit into a clear refusal instead of a wrong guard.
/// </summary>
internal static class GuardContainer
{
    public const int Version = 2;
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes($"fire-guard {Version}\n");

    public static bool Matches(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Magic.AsSpan(0, Magic.Length - 2)); // "fire-guard " of any version

    public static void Write(Stream stream, byte[] header, IReadOnlyList<byte[]> blobs)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Put(ReadOnlySpan<byte> bytes)
        {
            hash.AppendData(bytes);
            stream.Write(bytes);
        }
        Span<byte> number = stackalloc byte[8];
        Put(Magic);
        BinaryPrimitives.WriteInt64LittleEndian(number, header.Length);
        Put(number);
        Put(header);
        BinaryPrimitives.WriteInt32LittleEndian(number, blobs.Count);
        Put(number[..4]);
        foreach (var blob in blobs)
        {
            BinaryPrimitives.WriteInt64LittleEndian(number, blob.Length);
            Put(number);
            Put(blob);
        }
        stream.Write(hash.GetHashAndReset());
    }

    /// <summary>The header and arrays of a container; damage of any kind is an error naming <paramref name="path"/>.</summary>
    public static (byte[] Header, List<byte[]> Blobs) Read(byte[] bytes, string path)
    {
        string Damaged(string what) => $"Guard '{path}' is damaged ({what}). Restore it from a copy or fit the guard again with `fire guard fit`.";
        if (!bytes.AsSpan().StartsWith(Magic))
            throw new InvalidDataException($"Guard '{path}' is a guard file of another version ('{Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 16)).TrimEnd('\n')}'); this build reads version {Version}. Fit the guard again with this build.");
        const int HashSize = 32;
        if (bytes.Length < Magic.Length + 12 + HashSize) throw new InvalidDataException(Damaged($"only {bytes.Length} bytes"));
        int end = bytes.Length - HashSize;
        if (!SHA256.HashData(bytes.AsSpan(0, end)).AsSpan().SequenceEqual(bytes.AsSpan(end)))
            throw new InvalidDataException(Damaged("its checksum does not match its content: it was truncated, corrupted or edited"));
        int at = Magic.Length;
        long Take(int size)
        {
            if (at + size > end) throw new InvalidDataException(Damaged("a length runs past the end"));
            long value = size == 8 ? BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at)) : BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
            at += size;
            return value;
        }
        byte[] Slice(long length)
        {
            if (length < 0 || length > end - at) throw new InvalidDataException(Damaged("a length runs past the end"));
            var slice = bytes.AsSpan(at, (int)length).ToArray();
            at += (int)length;
            return slice;
        }
        byte[] header = Slice(Take(8));
        long count = Take(4);
        if (count < 0) throw new InvalidDataException(Damaged("a negative array count"));
        var blobs = new List<byte[]>();
        for (long i = 0; i < count; i++) blobs.Add(Slice(Take(8)));
        if (at != end) throw new InvalidDataException(Damaged($"{end - at} bytes follow the last array"));
        return (header, blobs);
    }
}
