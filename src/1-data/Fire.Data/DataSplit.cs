namespace Fire.Data;

/// <summary>The two halves of a data set as its official release splits them.</summary>
public sealed record DataSplit(ImageDataset Train, ImageDataset Test, Normalization Normalization)
{
    /// <summary>The data set's name, the prefix of its split names ("cifar10" for "cifar10/train").</summary>
    public string Name => Train.Name.Split('/', 2)[0];
}
