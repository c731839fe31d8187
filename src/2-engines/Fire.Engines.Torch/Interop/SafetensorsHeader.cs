using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fire.Engines.Torch.Interop;

/// <summary>
/// Checks a safetensors file's header (a little-endian u64 length, then that many bytes of JSON: name to dtype, shape and
/// data offsets, plus an optional <c>__metadata__</c> map) against the file's size before any tensor is read, so that a
/// file that is no safetensors file, or a truncated one, gets an error saying so instead of a short read.
/// </summary>
internal sealed record SafetensorsHeader(JsonObject? Metadata)
{
    public const string MetadataKey = "__metadata__";
    private const long MaxHeaderBytes = 100_000_000; // the format's own limit

    public static SafetensorsHeader Read(string path)
    {
        using var stream = File.OpenRead(path);
        long fileLength = stream.Length;
        var lengthBytes = new byte[8];
        if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8) throw NotSafetensors(path, "it is shorter than 8 bytes");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength is 0 or > MaxHeaderBytes || (long)headerLength > fileLength - 8)
            throw NotSafetensors(path, $"its first 8 bytes give a header of {headerLength} bytes in a file of {fileLength}");
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        JsonObject header;
        try
        {
            header = JsonNode.Parse(Encoding.UTF8.GetString(json))?.AsObject() ?? throw new InvalidDataException("the header is null");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or InvalidDataException)
        {
            throw NotSafetensors(path, $"its header is not a JSON object ({e.Message})");
        }

        long dataBytes = fileLength - 8 - (long)headerLength;
        foreach (var (name, entry) in header)
        {
            if (name == MetadataKey) continue;
            var offsets = entry?["data_offsets"]?.AsArray().Select(o => o?.GetValue<long>() ?? -1).ToArray();
            if (offsets is not { Length: 2 } || offsets[0] < 0 || offsets[1] < offsets[0])
                throw new InvalidDataException($"Safetensors file '{path}': tensor '{name}' has no valid data_offsets.");
            if (offsets[1] > dataBytes)
                throw new InvalidDataException(
                    $"Safetensors file '{path}' is truncated: tensor '{name}' ends at byte {offsets[1]} of the data, which has only {dataBytes} bytes.");
        }
        return new SafetensorsHeader(header[MetadataKey]?.DeepClone().AsObject());
    }

    private static InvalidDataException NotSafetensors(string path, string why) => new(
        $"'{path}' is neither a PyTorch zip file (torch.save since PyTorch 1.6) nor a safetensors file: {why}. " +
        "Files from torch.save with _use_new_zipfile_serialization=False (the legacy format) are not read: load and save them again with a current PyTorch.");
}
