namespace Fire.Attacks;

/// <summary>
/// Independent, stable seeds derived from one user seed for each random choice an attack makes, so that changing
/// one (say, the poisoned selection) never shifts another (the trigger pattern). Stable across processes and runs.
/// </summary>
public static class Seeds
{
    public const int Selection = 1;
    public const int Auxiliary = 2;
    public const int Pattern = 3;
    public const int Noise = 4;
    public const int Pieces = 5;
    public const int Networks = 6;
    public const int Rotation = 7;

    public static int For(int seed, int purpose) => unchecked(seed * 1_000_003 + purpose * 7_919);

    /// <summary>A seed for one item (e.g. one image's random mask) of a purpose.</summary>
    public static int For(int seed, int purpose, int item) => unchecked(For(seed, purpose) * 31 + item);
}
