namespace Fire.Core;

/// <summary>
/// Independent, stable seeds derived from one user seed for each random choice Fire makes, so that changing one (say,
/// an attack's poisoned selection) never shifts another (its trigger pattern). Stable across processes and runs
/// (HashCode.Combine is randomised per process, so it cannot serve).
/// </summary>
public static class Seeds
{
    // An attack's choices.
    public const int Selection = 1, Auxiliary = 2, Pattern = 3, Noise = 4, Pieces = 5, Networks = 6, Rotation = 7;

    // FIRE's choices. Numbered on their own (they never share a user seed's stream with an attack's): the values are
    // those guards were saved with, so a saved guard's model fingerprint stays the same.
    public const int CleanAugmentation = 1, PoisonedAugmentation = 2, CleanSplit = 3, Folds = 4, Fingerprint = 5, TargetLikeness = 6;

    public static int For(int seed, int purpose) => unchecked(seed * 1_000_003 + purpose * 7_919);

    /// <summary>A seed for one item (one image's random mask, one epoch, one sample's augmentation) of a purpose.</summary>
    public static int For(int seed, int purpose, int item) => unchecked(For(seed, purpose) * 31 + item);
}
