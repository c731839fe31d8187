namespace Fire.Defenses.LatentRepair;

/// <summary>Deterministic per-sample seeds (HashCode.Combine is randomised per process, so it cannot serve).</summary>
internal static class Seeds
{
    public const int CleanAugmentation = 1, PoisonedAugmentation = 2, CleanSplit = 3, Folds = 4, Fingerprint = 5, TargetLikeness = 6;

    public static int For(int seed, int stream, int index) => unchecked(seed * 1_000_003 + stream * 7_919 + index * 104_729);
}
