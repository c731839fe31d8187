namespace Fire.Core;

/// <summary>Recognises the kinds of file Fire writes by their first bytes, so an output check can tell "mine" from "someone's data".</summary>
public static class FileKinds
{
    public static bool IsPng(string path) => StartsWith(path, [0x89, (byte)'P', (byte)'N', (byte)'G']);

    /// <summary>Text: no NUL byte and valid UTF-8 in the first 64 KiB (CSV, Markdown, JSON reports).</summary>
    public static bool IsText(string path)
    {
        var head = Head(path, 1 << 16);
        if (head.Contains((byte)0)) return false;
        try
        {
            new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(head.Length == 1 << 16 ? head[..^4] : head);
            return true;
        }
        catch (System.Text.DecoderFallbackException) { return false; }
    }

    public static bool StartsWith(string path, ReadOnlySpan<byte> prefix) => Head(path, prefix.Length).AsSpan().SequenceEqual(prefix);

    public static byte[] Head(string path, int count)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[count];
        int read = stream.ReadAtLeast(buffer, count, throwOnEndOfStream: false);
        return buffer[..read];
    }
}
