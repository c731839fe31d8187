namespace Fire.Data;

/// <summary>Training-time augmentation: a random crop of the original size from the image padded with
/// <paramref name="CropPadding"/> zero pixels on every side, then a horizontal flip with probability 0.5.</summary>
public sealed record Augmentation(int CropPadding, bool HorizontalFlip)
{
    public static Augmentation None { get; } = new(0, false);

    public int CropPadding { get; init; } = CropPadding >= 0
        ? CropPadding
        : throw new ArgumentOutOfRangeException(nameof(CropPadding), $"Crop padding {CropPadding} is negative.");
}
