using System.Buffers.Binary;
using System.IO.Compression;

namespace Fire.Data.Loading;

/// <summary>
/// MNIST-style IDX files, gzip'd or not: images (magic 2051: count, rows, columns, then bytes) and labels
/// (magic 2049: count, then bytes), big-endian. Files: {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]
/// (also with '.' instead of the second '-', as some mirrors name them).
/// </summary>
internal static class IdxLoader
{
    const int ImageMagic = 2051, LabelMagic = 2049;

    /// <summary>True when the folder holds MNIST-style training images.</summary>
    public static bool Holds(string folder) => FindFile(folder, "train", "images-idx3") is not null;

    public static DataSplit Load(string folder, string name, IReadOnlyList<string> classNames, Normalization normalization,
                                 DataLoadOptions options)
    {
        options.Progress?.Report($"{name}: reading IDX files in {folder}");
        var train = LoadSplit(folder, "train", $"{name}/train", classNames);
        var test = LoadSplit(folder, "t10k", $"{name}/test", classNames);
        return new DataSplit(DatasetResizer.Resize(train, options.ImageSize), DatasetResizer.Resize(test, options.ImageSize),
                             normalization);
    }

    static ImageDataset LoadSplit(string folder, string prefix, string name, IReadOnlyList<string> classNames)
    {
        string imagesPath = RequireFile(folder, prefix, "images-idx3");
        string labelsPath = RequireFile(folder, prefix, "labels-idx1");
        var (pixels, count, rows, columns) = ReadImages(imagesPath);
        var labelBytes = ReadLabels(labelsPath);
        if (labelBytes.Length != count)
            throw new InvalidDataException(
                $"{labelsPath}: {labelBytes.Length:N0} labels, but {Path.GetFileName(imagesPath)} holds {count:N0} images.");
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = labelBytes[i];
            if (labels[i] >= classNames.Count)
                throw new InvalidDataException($"{labelsPath}: label {labels[i]} of image {i:N0} is outside the {classNames.Count} classes.");
        }
        return new ImageDataset(name, pixels, labels, classNames, 1, rows, columns);
    }

    static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        var data = ReadMaybeGzip(path);
        int count = Header(data, path, ImageMagic, 16);
        int rows = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(8));
        int columns = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(12));
        if (rows <= 0 || columns <= 0)
            throw new InvalidDataException($"{path}: image size {rows}x{columns} is not positive.");
        long expected = (long)count * rows * columns;
        if (data.Length - 16 != expected)
            throw new InvalidDataException(
                $"{path}: {data.Length - 16:N0} bytes of pixels, but the header promises {count:N0} images of {rows}x{columns} = {expected:N0} bytes.");
        return (data[16..], count, rows, columns);
    }

    static byte[] ReadLabels(string path)
    {
        var data = ReadMaybeGzip(path);
        int count = Header(data, path, LabelMagic, 8);
        if (data.Length - 8 != count)
            throw new InvalidDataException($"{path}: {data.Length - 8:N0} label bytes, but the header promises {count:N0}.");
        return data[8..];
    }

    /// <summary>Checks the magic number and returns the item count.</summary>
    static int Header(byte[] data, string path, int magic, int headerSize)
    {
        if (data.Length < headerSize)
            throw new InvalidDataException($"{path}: {data.Length} bytes is shorter than the {headerSize}-byte IDX header.");
        int found = BinaryPrimitives.ReadInt32BigEndian(data);
        if (found != magic)
            throw new InvalidDataException($"{path}: magic {found}, expected {magic}.");
        int count = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
        if (count < 0)
            throw new InvalidDataException($"{path}: item count {count} in the header is negative.");
        return count;
    }

    static byte[] ReadMaybeGzip(string path)
    {
        var raw = InputFile.ReadAllBytes(path);
        if (raw.Length < 2 || raw[0] != 0x1f || raw[1] != 0x8b) return raw;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: corrupt gzip data: {e.Message}", e);
        }
    }

    static string RequireFile(string folder, string prefix, string kind) =>
        FindFile(folder, prefix, kind) ?? throw new FileNotFoundException(
            $"{Path.Combine(folder, $"{prefix}-{kind}-ubyte.gz")} not found (nor without .gz). {DataLocator.DownloadHelp}",
            Path.Combine(folder, $"{prefix}-{kind}-ubyte.gz"));

    static string? FindFile(string folder, string prefix, string kind)
    {
        string dotted = kind.Replace('-', '.');
        return new[] { $"{prefix}-{kind}-ubyte", $"{prefix}-{dotted}-ubyte" }
            .SelectMany(stem => new[] { stem + ".gz", stem })
            .Select(file => Path.Combine(folder, file))
            .FirstOrDefault(File.Exists);
    }
}
