namespace Fire.Data;

/// <summary>Images of one class in one split.</summary>
public sealed record ClassCount(int Label, string Name, int Count);

/// <summary>What one split holds: size, image shape, images per class, pixel statistics in [0, 1].</summary>
public sealed record SplitSummary(string Name, int Count, int Channels, int Height, int Width,
                                  IReadOnlyList<ClassCount> Classes, Normalization PixelStatistics)
{
    public static SplitSummary Of(ImageDataset data)
    {
        var counts = data.CountPerClass();
        return new SplitSummary(data.Name, data.Count, data.Channels, data.Height, data.Width,
            counts.Select((n, label) => new ClassCount(label, data.ClassNames[label], n)).ToArray(),
            Data.PixelStatistics.Normalization(data));
    }
}

/// <summary>The facts `fire data info` shows about a data set.</summary>
public sealed record DatasetSummary(DatasetLocation Location, SplitSummary Train, SplitSummary Test, Normalization Normalization)
{
    public int ClassCount => Train.Classes.Count;

    public static DatasetSummary Of(DatasetLocation location, DataSplit split) =>
        new(location, SplitSummary.Of(split.Train), SplitSummary.Of(split.Test), split.Normalization);
}
