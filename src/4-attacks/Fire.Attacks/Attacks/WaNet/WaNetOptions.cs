namespace Fire.Attacks;

/// <summary>WaNet's own options, at BackdoorBench's defaults (noise mode) and the original release's post-warp rotation.</summary>
public sealed record WaNetOptions : IAttackOptions
{
    [AttackFlag("--warp-k", "N", "Resolution of the warping field.", Alias = "-k")]
    public int K { get; init; } = 4;

    [AttackFlag("--warp-s", "S", "Warping strength.", Alias = "-s")]
    public double S { get; init; } = 0.5;

    [AttackFlag("--grid-rescale", "R", "Grid rescale factor.")]
    public double GridRescale { get; init; } = 1;

    [AttackFlag("--cross-ratio", "R", "Noise-mode samples per poisoned sample.")]
    public double CrossRatio { get; init; } = 2;

    [AttackFlag("--post-rotation", "DEGREES", "After warping, rotate a quarter of all training images by up to this angle, bilinearly, as the original release (0: none).")]
    public double PostRotation { get; init; } = 10;

    [AttackFlag("--redraw-each-epoch", "BOOL", "true draws the poisoned and noise samples afresh every epoch, as BackdoorBench's per-batch poisoning; false keeps one fixed seeded set (the option alone means true).")]
    public bool RedrawEachEpoch { get; init; } = true;
}
