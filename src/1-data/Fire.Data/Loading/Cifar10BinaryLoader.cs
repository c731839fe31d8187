namespace Fire.Data.Loading;

/// <summary>
/// The official CIFAR-10 binary release (cifar-10-batches-bin): data_batch_1..5.bin (training) and test_batch.bin,
/// each a run of 3,073-byte records (label byte, then the 1,024 red, 1,024 green and 1,024 blue bytes, i.e. already
/// (C, H, W)), and batches.meta.txt with the class names. Read from the folder or straight from the .tar.gz.
/// </summary>
internal static class Cifar10BinaryLoader
{
    const int Side = 32, Channels = 3, ImageBytes = Channels * Side * Side, RecordBytes = 1 + ImageBytes;
    static readonly string[] TrainFiles = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];
    const string TestFile = "test_batch.bin", MetaFile = "batches.meta.txt";

    /// <summary>True for the names of the release's own files.</summary>
    public static bool IsReleaseFile(string path)
    {
        string name = Path.GetFileName(path);
        return TrainFiles.Contains(name) || name == TestFile || name == MetaFile;
    }

    /// <param name="source">The cifar-10-batches-bin folder, or an archive holding it.</param>
    public static DataSplit Load(string source, DataLoadOptions options)
    {
        options.Progress?.Report($"cifar10: reading the binary release in {source}");
        var files = Directory.Exists(source) ? ReadFolder(source) : ReadArchive(source);
        var classNames = files.TryGetValue(MetaFile, out var meta) ? ParseClassNames(meta) : KnownDatasets.Cifar10Classes;
        var train = Parse(TrainFiles.Select(f => files[f]).ToList(), "cifar10/train", classNames);
        var test = Parse([files[TestFile]], "cifar10/test", classNames);
        return new DataSplit(DatasetResizer.Resize(train, options.ImageSize), DatasetResizer.Resize(test, options.ImageSize),
                             KnownDatasets.Cifar10Normalization);
    }

    static Dictionary<string, FileEntry> ReadFolder(string folder)
    {
        var files = new Dictionary<string, FileEntry>();
        foreach (string name in TrainFiles.Append(TestFile).Append(MetaFile))
        {
            string path = Path.Combine(folder, name);
            if (File.Exists(path)) files[name] = new FileEntry(name, path, InputFile.ReadAllBytes(path));
            else if (name != MetaFile)
                throw new FileNotFoundException($"{path} not found: the CIFAR-10 binary release has data_batch_1..5.bin and test_batch.bin. {DataLocator.DownloadHelp}", path);
        }
        return files;
    }

    static Dictionary<string, FileEntry> ReadArchive(string archive)
    {
        var files = EntryReader.Read(archive, IsReleaseFile).ToDictionary(e => e.FileName);
        foreach (string name in TrainFiles.Append(TestFile))
            if (!files.ContainsKey(name))
                throw new FileNotFoundException($"{name} not found in {archive}: the CIFAR-10 binary release has data_batch_1..5.bin and test_batch.bin.", archive);
        return files;
    }

    static string[] ParseClassNames(FileEntry meta)
    {
        var names = System.Text.Encoding.UTF8.GetString(meta.Data)
            .Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0).ToArray();
        if (names.Length == 0) throw new InvalidDataException($"{meta.Display}: no class names.");
        return names;
    }

    static ImageDataset Parse(IReadOnlyList<FileEntry> batches, string name, IReadOnlyList<string> classNames)
    {
        foreach (var batch in batches)
            if (batch.Data.Length == 0 || batch.Data.Length % RecordBytes != 0)
                throw new InvalidDataException(
                    $"{batch.Display}: {batch.Data.Length:N0} bytes is not a whole number of {RecordBytes:N0}-byte records.");
        int count = batches.Sum(b => b.Data.Length / RecordBytes);
        var pixels = new byte[(long)count * ImageBytes];
        var labels = new int[count];
        int index = 0;
        foreach (var batch in batches)
            for (int record = 0; record < batch.Data.Length / RecordBytes; record++, index++)
            {
                var bytes = batch.Data.AsSpan(record * RecordBytes, RecordBytes);
                labels[index] = bytes[0];
                if (labels[index] >= classNames.Count)
                    throw new InvalidDataException(
                        $"{batch.Display}: record {record:N0} has label {labels[index]}, but there are {classNames.Count} classes.");
                bytes[1..].CopyTo(pixels.AsSpan(index * ImageBytes, ImageBytes));
            }
        return new ImageDataset(name, pixels, labels, classNames, Channels, Side, Side);
    }
}
