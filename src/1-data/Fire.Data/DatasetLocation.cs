namespace Fire.Data;

/// <summary>Where and in which format <see cref="Datasets.Load"/> finds a data set.</summary>
/// <param name="Name">The data set's name, prefix of its split names ("cifar10" for "cifar10/train").</param>
/// <param name="Format">"cifar10-binary", "image-folder", "gtsrb" or "idx".</param>
/// <param name="Path">The folder or archive that is read.</param>
public sealed record DatasetLocation(string Name, string Format, string Path);
