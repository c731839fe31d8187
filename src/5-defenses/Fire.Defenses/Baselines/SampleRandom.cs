namespace Fire.Defenses.Baselines;

/// <summary>
/// A random source per image, seeded from the defense's seed and the image's pixels (FNV-1a over the float bits).
/// Randomised defenses built on it are pure functions of (seed, image): the same prediction whether an image
/// comes alone or in a batch of 128, and on every call.
/// </summary>
public static class SampleRandom
{
    public static Random For(int seed, ReadOnlySpan<float> image)
    {
        ulong hash = 14695981039346656037UL ^ ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL);
        foreach (float v in image)
        {
            hash ^= BitConverter.SingleToUInt32Bits(v);
            hash *= 1099511628211UL;
        }
        return new Random((int)(hash ^ (hash >> 32)));
    }
}
