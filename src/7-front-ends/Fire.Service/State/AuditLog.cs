using System.Text.Json;

namespace Fire.Service.State;

/// <summary>One flag request in the audit log: who, when, which images (content hashes) and what the service decided.</summary>
public sealed record AuditRecord(DateTimeOffset Time, string KeyId, long? JournalSeq, IReadOnlyList<string> Hashes, int Received, int Accepted,
    string Decision, int GuardVersion, string? Source, string? Note);

/// <summary>
/// The append-only audit log of flags (<c>audit.jsonl</c>, one JSON line per flag request, refused ones included).
/// Lines are synced as written. A torn last line (a crash mid-write) is cut off on opening; records of journal entries
/// the log lacks after a crash are written again then, marked as recovered.
/// </summary>
public sealed class AuditLog : IDisposable
{
    public const string FileName = "audit.jsonl";
    private static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web) { WriteIndented = false };
    private readonly FileStream _stream;
    private readonly object _write = new();

    private AuditLog(string path, FileStream stream, long lastSeq)
    {
        Path = path;
        _stream = stream;
        LastJournalSeq = lastSeq;
    }

    public string Path { get; }
    /// <summary>The highest journal sequence number recorded.</summary>
    public long LastJournalSeq { get; private set; }

    public static AuditLog Open(string directory)
    {
        string path = System.IO.Path.Combine(directory, FileName);
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var all = new byte[stream.Length];
        stream.ReadExactly(all);
        int good = Array.LastIndexOf(all, (byte)'\n') + 1; // a line without its newline was cut short
        long lastSeq = 0;
        int start = 0;
        while (start < good)
        {
            int end = Array.IndexOf(all, (byte)'\n', start);
            try
            {
                var record = JsonSerializer.Deserialize<AuditRecord>(all.AsSpan(start, end - start), Compact);
                if (record?.JournalSeq is long seq) lastSeq = Math.Max(lastSeq, seq);
            }
            catch (JsonException e)
            {
                stream.Dispose();
                throw new InvalidDataException($"{path}: a damaged line at byte {start} ({e.Message}); move the file aside to start a new audit log.", e);
            }
            start = end + 1;
        }
        if (good < all.Length) stream.SetLength(good);
        stream.Seek(0, SeekOrigin.End);
        return new AuditLog(path, stream, lastSeq);
    }

    public void Append(AuditRecord record)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(record, Compact);
        lock (_write)
        {
            _stream.Write(line);
            _stream.WriteByte((byte)'\n');
            _stream.Flush(flushToDisk: true);
            if (record.JournalSeq is long seq) LastJournalSeq = Math.Max(LastJournalSeq, seq);
        }
    }

    public void Dispose() => _stream.Dispose();
}
