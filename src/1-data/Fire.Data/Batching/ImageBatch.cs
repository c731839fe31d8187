namespace Fire.Data;

/// <summary>A batch ready for a model: <paramref name="Images"/> (N, C, H, W) floats in [0, 1] (byte / 255f),
/// their labels and their positions in the data set. The arrays belong to the receiver.</summary>
public sealed record ImageBatch(float[] Images, int[] Labels, int[] Indices, int Count, int Channels, int Height, int Width)
{
    public int SampleSize => Channels * Height * Width;
}
