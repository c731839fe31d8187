using TorchSharp;

namespace Fire.Training;

/// <summary>
/// Reads the table of contents of a TorchSharp <c>module.save</c> file (entry count, then per entry a name, dtype,
/// shape and raw data) without loading tensors, so a checkpoint can be checked against a model before libtorch
/// touches it: a mismatch or a truncated file gets a clear message instead of a bare "Mismatched tensor shape".
/// </summary>
internal static class WeightsFile
{
    public sealed record Entry(string Name, torch.ScalarType DType, long[] Shape);

    public static IReadOnlyList<Entry> ReadEntries(string path)
    {
        InputFile.Check(path);
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        try
        {
            long count = ReadLeb128(reader);
            if (count > 1_000_000) throw new InvalidDataException($"it claims {count} entries");
            var entries = new List<Entry>();
            for (long i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                var dtype = (torch.ScalarType)ReadLeb128(reader);
                long rank = ReadLeb128(reader);
                if (rank > 8) throw new InvalidDataException($"entry '{name}' claims {rank} dimensions");
                var shape = new long[rank];
                for (int d = 0; d < rank; d++) shape[d] = ReadLeb128(reader);
                long bytes = shape.Aggregate(1L, (a, n) => checked(a * n)) * ElementSize(dtype, name);
                if (bytes > stream.Length - stream.Position)
                    throw new InvalidDataException($"entry '{name}' needs {bytes} bytes, only {stream.Length - stream.Position} remain");
                stream.Seek(bytes, SeekOrigin.Current);
                entries.Add(new Entry(name, dtype, shape));
            }
            if (stream.Position != stream.Length) throw new InvalidDataException($"{stream.Length - stream.Position} bytes follow the last entry");
            return entries;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or OverflowException or IOException)
        {
            throw new InvalidDataException($"Weights file '{path}' is not a complete TorchSharp weights file: {e.Message}", e);
        }
    }

    // TorchSharp writes counts, dtypes and dimensions as unsigned LEB128.
    private static long ReadLeb128(BinaryReader reader)
    {
        long result = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (shift > 56) throw new InvalidDataException("a length field is malformed");
            byte b = reader.ReadByte();
            result |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return result;
        }
    }

    private static int ElementSize(torch.ScalarType dtype, string name) => dtype switch
    {
        torch.ScalarType.Byte or torch.ScalarType.Int8 or torch.ScalarType.Bool => 1,
        torch.ScalarType.Int16 or torch.ScalarType.Float16 or torch.ScalarType.BFloat16 => 2,
        torch.ScalarType.Int32 or torch.ScalarType.Float32 => 4,
        torch.ScalarType.Int64 or torch.ScalarType.Float64 => 8,
        _ => throw new InvalidDataException($"entry '{name}' has an unsupported element type code {(int)dtype}"),
    };
}
