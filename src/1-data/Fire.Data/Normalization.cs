namespace Fire.Data;

/// <summary>Per-channel mean and standard deviation applied to images in [0, 1] before a model sees them.</summary>
public sealed record Normalization(float[] Mean, float[] Std)
{
    public static Normalization Identity(int channels) =>
        new(Enumerable.Repeat(0f, channels).ToArray(), Enumerable.Repeat(1f, channels).ToArray());
}
