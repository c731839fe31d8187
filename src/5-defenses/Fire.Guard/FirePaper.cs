namespace Fire.Guard;

/// <summary>
/// The paper's own FIRE (Ahlers et al., arXiv:2602.10780) as <see cref="FireOptions"/>: one translation h - alpha * beta
/// at one layer, for every input (no gate, no projection), beta the dense difference of means, unpaired directions
/// estimated on augmented copies of the clean and the flagged images. The paper does not say how its layer and alpha are
/// chosen; here they come from Fire's held-out choice restricted to those candidates (every layer but the logits, alpha in
/// {0.5, 1, 1.5}, highest cross-validated repair score among the candidates that cost at most one point of accuracy on the
/// clean reference; docs/fire-paper.md writes the rule down). Fire's additions are off: no sparse directions, no gating or
/// projection, no stacking, no target-likeness test and no target-class guard (ratio 1000, as docs/fire-false-flags.md
/// turns it off), so a table that puts <c>fire-paper</c> beside Fire's default shows what those additions buy.
/// </summary>
public static class FirePaper
{
    public const string Name = "fire-paper";

    /// <summary>A target-class drop ratio no candidate reaches: the guard is off (docs/fire-false-flags.md).</summary>
    public const double TargetClassGuardOff = 1000;

    /// <param name="augmentation">The augmentation of the unpaired estimate; null = <see cref="ImageAugmentation.Standard"/>,
    /// <see cref="ImageAugmentation.None"/> measures the paper's FIRE without it.</param>
    public static FireOptions Options(int seed, ImageAugmentation? augmentation = null) => new()
    {
        Modes = [RepairMode.Translate],
        Densities = [DirectionDensity.Dense],
        MaxRepairLayers = 1,
        Augmentation = augmentation ?? ImageAugmentation.Standard,
        TargetLikenessLevel = 0,
        MaxTargetClassDropRatio = TargetClassGuardOff,
        Seed = seed,
    };
}
