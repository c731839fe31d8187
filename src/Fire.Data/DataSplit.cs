namespace Fire.Data;

/// <summary>The two halves of a data set as its official release splits them.</summary>
public sealed record DataSplit(ImageDataset Train, ImageDataset Test, Normalization Normalization);
