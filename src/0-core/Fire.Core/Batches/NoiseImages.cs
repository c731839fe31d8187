namespace Fire.Core;

/// <summary>Seeded images of uniform noise in [0, 1): inputs for checks and timings, where what the images show does not matter.</summary>
public static class NoiseImages
{
    /// <summary><paramref name="count"/> images of <paramref name="sampleShape"/> (C, H, W), drawn value by value from <paramref name="random"/>.</summary>
    public static FloatBatch Draw(Random random, int count, int[] sampleShape)
    {
        var values = new float[count * sampleShape.Aggregate(1, (a, d) => a * d)];
        for (int i = 0; i < values.Length; i++) values[i] = random.NextSingle();
        return new FloatBatch(values, [count, .. sampleShape]);
    }
}
