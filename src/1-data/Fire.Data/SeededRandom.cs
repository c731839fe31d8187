namespace Fire.Data;

/// <summary>
/// A small reproducible generator (SplitMix64): the same seed gives the same numbers on every machine and .NET
/// version, which System.Random does not promise. <see cref="Hash(ulong, ulong)"/> derives independent seeds
/// (per epoch, per sample) so results do not depend on the order in which threads draw them.
/// </summary>
internal sealed class SeededRandom(ulong seed)
{
    ulong state = seed;

    public ulong NextUInt64() => Mix(state += 0x9E3779B97F4A7C15UL);

    /// <summary>A uniform integer in [0, bound).</summary>
    public int Next(int bound) => (int)((NextUInt64() >> 32) * (ulong)bound >> 32);

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(T[] items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    public static ulong Hash(ulong a, ulong b) => Mix(Mix(a) ^ (b + 0x632BE59BD9B4E019UL));

    public static ulong Hash(ulong a, ulong b, ulong c) => Hash(Hash(a, b), c);

    /// <summary>The SplitMix64 finaliser: a bijective scramble of 64 bits.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
