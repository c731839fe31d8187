using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Fire.Service.State;

/// <summary>One accepted flag request as the journal keeps it: the images as the model took them, and who sent them.</summary>
public sealed record FlagEntry(long Seq, DateTimeOffset Time, string KeyId, string? Source, string? Note, int[] Shape, IReadOnlyList<string> Hashes, float[] Data)
{
    public FloatBatch Images => new(Data, Shape);
    public int Count => Shape[0];
}

/// <summary>
/// The append-only journal of accepted flags (<c>flags.journal</c>, one JSON line per request, images as little-endian
/// float32 in base64 with a SHA-256 check). <see cref="Append"/> returns only after the line is on disk (fsync), so a
/// flag acknowledged to a client survives a crash. A crash mid-append leaves at most one torn last line: it was never
/// acknowledged, and <see cref="Open"/> cuts it off. Damage anywhere else is refused with the line's number.
/// </summary>
public sealed class FlagJournal : IDisposable
{
    public const string FileName = "flags.journal";
    private readonly FileStream _stream;
    private readonly List<FlagEntry> _entries;

    private FlagJournal(string path, FileStream stream, List<FlagEntry> entries)
    {
        Path = path;
        _stream = stream;
        _entries = entries;
    }

    public string Path { get; }
    public IReadOnlyList<FlagEntry> Entries => _entries;
    public long LastSeq => _entries.Count == 0 ? 0 : _entries[^1].Seq;
    /// <summary>Bytes cut off a torn last line when opened (0: none).</summary>
    public long TruncatedBytes { get; private init; }

    public static FlagJournal Open(string directory)
    {
        string path = System.IO.Path.Combine(directory, FileName);
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            var (entries, goodLength) = ReadAll(stream, path);
            long torn = stream.Length - goodLength;
            if (torn > 0)
            {
                stream.SetLength(goodLength);
                stream.Flush(flushToDisk: true);
            }
            stream.Seek(0, SeekOrigin.End);
            return new FlagJournal(path, stream, entries) { TruncatedBytes = torn };
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Appends one request's images and syncs the file before returning; the entry gets the next sequence number.</summary>
    public FlagEntry Append(FloatBatch images, string keyId, string? source, string? note, IReadOnlyList<string> hashes, DateTimeOffset time)
    {
        var entry = new FlagEntry(LastSeq + 1, time, keyId, source, note, (int[])images.Shape.Clone(), hashes, (float[])images.Data.Clone());
        var bytes = MemoryMarshal.AsBytes(entry.Data.AsSpan());
        var line = new Line(entry.Seq, entry.Time, entry.KeyId, entry.Source, entry.Note, entry.Shape, hashes.ToArray(), Convert.ToBase64String(bytes), Check(bytes));
        var text = JsonSerializer.SerializeToUtf8Bytes(line, Compact);
        _stream.Write(text);
        _stream.WriteByte((byte)'\n');
        _stream.Flush(flushToDisk: true);
        _entries.Add(entry);
        return entry;
    }

    /// <summary>The hash that names one image in the journal, the audit log and duplicate checks: SHA-256 of its float32 values, 16 hex digits.</summary>
    public static string ImageHash(ReadOnlySpan<float> image) =>
        Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(image)))[..16];

    private static string Check(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];

    private static (List<FlagEntry> Entries, long GoodLength) ReadAll(FileStream stream, string path)
    {
        var entries = new List<FlagEntry>();
        stream.Seek(0, SeekOrigin.Begin);
        var all = new byte[stream.Length];
        stream.ReadExactly(all);
        long position = 0;
        int lineNumber = 0;
        while (position < all.Length)
        {
            lineNumber++;
            int end = Array.IndexOf(all, (byte)'\n', (int)position);
            bool last = end < 0 || end == all.Length - 1;
            if (end < 0) return (entries, position); // no newline: an append cut short, never acknowledged
            var entry = Parse(all.AsSpan((int)position, end - (int)position), entries.Count == 0 ? 0 : entries[^1].Seq, out string? problem);
            if (entry is null)
            {
                if (last) return (entries, position);
                throw new InvalidDataException($"{path}, line {lineNumber}: {problem}. Lines after it exist, so this is damage, not a cut-off append: restore the file from a backup or move it aside (its flags are then lost).");
            }
            entries.Add(entry);
            position = end + 1;
        }
        return (entries, position);
    }

    private static FlagEntry? Parse(ReadOnlySpan<byte> text, long previousSeq, out string? problem)
    {
        problem = null;
        Line? line;
        try
        {
            line = JsonSerializer.Deserialize<Line>(text, Compact);
        }
        catch (JsonException e)
        {
            problem = $"not a journal line ({e.Message})";
            return null;
        }
        if (line?.Shape is not { Length: >= 2 } shape || line.Data is null || line.Hashes is null || line.KeyId is null || line.Check is null)
        {
            problem = "a journal line lacks fields";
            return null;
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(line.Data);
        }
        catch (FormatException)
        {
            problem = "the image data is not base64";
            return null;
        }
        if (Check(bytes) != line.Check) { problem = "the image data fails its checksum"; return null; }
        long values = shape.Aggregate(1L, (a, d) => a * d);
        if (shape.Any(d => d < 1) || values * sizeof(float) != bytes.Length || line.Hashes.Length != shape[0]) { problem = "the shape does not fit the data"; return null; }
        if (line.Seq != previousSeq + 1) { problem = $"sequence number {line.Seq} follows {previousSeq}"; return null; }
        var data = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        if (data.Any(v => !(v is >= 0f and <= 1f))) { problem = "a pixel lies outside [0, 1]"; return null; }
        return new FlagEntry(line.Seq, line.Time, line.KeyId, line.Source, line.Note, shape, line.Hashes, data);
    }

    public void Dispose() => _stream.Dispose();

    private static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    private sealed record Line(long Seq, DateTimeOffset Time, string KeyId, string? Source, string? Note, int[] Shape, string[] Hashes, string Data, string Check);
}
