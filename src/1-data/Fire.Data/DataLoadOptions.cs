namespace Fire.Data;

/// <summary>How <see cref="Datasets.Load"/> reads a data set.</summary>
public sealed record DataLoadOptions
{
    public static DataLoadOptions Default { get; } = new();

    /// <summary>Side of the square images produced. Null: 32 for GTSRB, the size of the first training image
    /// (first class, first file by name) for image folders, the native size for CIFAR-10, MNIST and Fashion-MNIST
    /// (a value there resizes too).</summary>
    public int? ImageSize { get; init; }

    /// <summary>GTSRB: crop each image to the sign's region of interest from the CSV before resizing.</summary>
    public bool CropToRoi { get; init; }

    /// <summary>Read and write the decoded-data cache (see <see cref="Caching.DatasetCache"/>).</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Cache folder; null: <see cref="Caching.DatasetCache.DefaultDirectory"/>.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>A single folder of class folders (no train/ and test/): the share of each class put into the test split
    /// (the count rounded half away from zero).</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>A single folder of class folders: the seed of the stratified train/test split.</summary>
    public int SplitSeed { get; init; }

    /// <summary>Receives short status lines (what is read, how long decoding took, cache hits).</summary>
    public IProgress<string>? Progress { get; init; }
}
