namespace Fire.Data;

/// <summary>
/// A labelled set of equally sized images held in memory as bytes, channel-first (N, C, H, W), 0..255.
/// Every loader produces one; the training pipeline turns it into float batches in [0, 1].
/// </summary>
public sealed class ImageDataset
{
    public ImageDataset(string name, byte[] pixels, int[] labels, IReadOnlyList<string> classNames, int channels, int height, int width)
    {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"Data set '{name}': image shape {channels}x{height}x{width} is not positive.");
        long sampleSize = (long)channels * height * width;
        if (pixels.LongLength != sampleSize * labels.Length)
            throw new ArgumentException($"Data set '{name}': {pixels.LongLength} pixel bytes do not hold {labels.Length} images of {channels}x{height}x{width}.");
        foreach (int label in labels)
            if (label < 0 || label >= classNames.Count)
                throw new ArgumentException($"Data set '{name}': label {label} is outside the {classNames.Count} classes.");
        Name = name;
        Pixels = pixels;
        Labels = labels;
        ClassNames = classNames;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>A short name such as "cifar10/train".</summary>
    public string Name { get; }
    /// <summary>All images, (N, C, H, W) bytes.</summary>
    public byte[] Pixels { get; }
    public int[] Labels { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    public int Count => Labels.Length;
    public int ClassCount => ClassNames.Count;
    public int SampleSize => Channels * Height * Width;

    /// <summary>The bytes of image <paramref name="index"/>, (C, H, W).</summary>
    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * SampleSize, SampleSize);

    /// <summary>A new data set holding the images at <paramref name="indices"/>, in that order.</summary>
    public ImageDataset Subset(IReadOnlyList<int> indices, string? name = null)
    {
        var pixels = new byte[(long)indices.Count * SampleSize];
        var labels = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            int source = indices[i];
            if (source < 0 || source >= Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Index {source} is outside data set '{Name}' of {Count} images.");
            Image(source).CopyTo(pixels.AsSpan(i * SampleSize, SampleSize));
            labels[i] = Labels[source];
        }
        return new ImageDataset(name ?? Name, pixels, labels, ClassNames, Channels, Height, Width);
    }

    /// <summary>Number of images per class, indexed by label.</summary>
    public int[] CountPerClass()
    {
        var counts = new int[ClassCount];
        foreach (int label in Labels) counts[label]++;
        return counts;
    }
}
