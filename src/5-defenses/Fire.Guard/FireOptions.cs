namespace Fire.Guard;

/// <summary>
/// Settings of a <see cref="FireGuard"/>. The defaults run the automatic choice over every layer but the logits,
/// all four modes, alpha in {0.5, 1, 1.5} and dense and sparse directions.
/// </summary>
public sealed record FireOptions
{
    /// <summary>Candidate layers; null = every layer but the last (the logits).</summary>
    public IReadOnlyList<string>? Layers { get; init; }
    public IReadOnlyList<RepairMode> Modes { get; init; } = RepairModes.All;
    public IReadOnlyList<float> Alphas { get; init; } = [0.5f, 1f, 1.5f];
    /// <summary>Direction estimates the automatic choice tries (<see cref="DirectionDensity"/>).</summary>
    public IReadOnlyList<DirectionDensity> Densities { get; init; } = DirectionDensities.All;
    /// <summary>When set, these repairs are used as they are (several layers at once allowed) and nothing is chosen.</summary>
    public IReadOnlyList<RepairSetting>? FixedPlan { get; init; }
    /// <summary>Gate threshold: the lower of this quantile of the clean reference scores along the direction and 1 minus it of the scores of the observed samples the model predicts as the target.</summary>
    public float GateQuantile { get; init; } = 0.99f;
    /// <summary>The automatic choice rejects candidates that cost more accuracy on the clean reference than this (0.01 = 1 point).</summary>
    public double MaxCleanAccuracyDrop { get; init; } = 0.01;
    /// <summary>
    /// The automatic choice rejects candidates that move the clean reference's images of the estimated target (those the model
    /// classifies as the target) off it at more than this multiple of the rate at which they move the observed samples off it,
    /// with one image of slack. When the flagged samples are simply images of one class (false flags), the repair cannot tell
    /// them from that class's clean images and both rates are alike; a backdoor's repair moves the flagged samples far more
    /// often (measured in docs/fire-false-flags.md).
    /// </summary>
    public double MaxTargetClassDropRatio { get; init; } = 0.5;
    /// <summary>
    /// Before choosing, the flagged samples the model predicts as the estimated target are compared with the clean reference's
    /// images of that class at every candidate layer (<see cref="TargetLikenessTest"/>); when no layer tells them apart at this
    /// family-wise level, they are plain images of that class and nothing is repaired. 0 turns the test off.
    /// </summary>
    public double TargetLikenessLevel { get; init; } = 0.01;
    /// <summary>
    /// Before choosing, the unpaired flagged samples that carry the pattern they share (<see cref="TriggerCaptureTest"/>) must be
    /// mostly predicted as the estimated target, as a backdoor's are; when at some layer significantly fewer than half of them are
    /// (family-wise level, Bonferroni over the layers), the pattern is inert and nothing is repaired. 0 turns the rule off (the
    /// test is still measured and reported).
    /// </summary>
    public double CaptureLevel { get; init; } = 0.01;
    /// <summary>Share of the clean reference kept out of the clean means and statistics (the clean guard reads the whole reference).</summary>
    public double CleanHoldoutFraction { get; init; } = 0.3;
    /// <summary>
    /// The automatic choice stacks repairs at up to this many layers: after the first, it adds one at another layer
    /// (its own direction, scored with the earlier repairs applied) only while that raises the held-out repair score.
    /// One by default: a second layer raised PA in most measured settings but also raised ASR in some (docs/fire-stacked.md)
    /// and adds a second repair's cost to every prediction.
    /// </summary>
    public int MaxRepairLayers { get; init; } = 1;
    /// <summary>Cross-validation folds over the observed poisoned samples when scoring candidates.</summary>
    public int Folds { get; init; } = 5;
    /// <summary>Augmented copies for unpaired estimation (applied alike to clean and poisoned samples); off by default.</summary>
    public ImageAugmentation Augmentation { get; init; } = ImageAugmentation.None;
    /// <summary>Re-run the automatic choice whenever the observed count reaches a power of two (1, 2, 4, ...); in between, only the directions are updated.</summary>
    public bool ReselectOnDoubling { get; init; } = true;
    public int BatchSize { get; init; } = 128;
    public int Seed { get; init; }

    /// <summary>The candidate layers for <paramref name="layerNames"/> (a model's layers in order), checked.</summary>
    public IReadOnlyList<string> CandidateLayers(IReadOnlyList<string> layerNames)
    {
        var wanted = FixedPlan?.Select(r => r.Layer).Distinct().ToList() ?? Layers?.ToList() ?? layerNames.Take(layerNames.Count - 1).ToList();
        if (wanted.Count == 0) throw new ArgumentException("FIRE needs at least one layer to repair.");
        foreach (var layer in wanted)
            if (!layerNames.Contains(layer))
                throw new ArgumentException($"Unknown layer '{layer}'. The model's layers: {string.Join(", ", layerNames)}.");
        return layerNames.Where(wanted.Contains).ToList();
    }

    public void Validate()
    {
        if (Modes.Count == 0) throw new ArgumentException("FIRE options name no repair mode.");
        if (Densities.Count == 0) throw new ArgumentException("FIRE options name no direction density.");
        if (Alphas.Count == 0 || !Alphas.All(RepairSetting.IsValidAlpha))
            throw new ArgumentException($"Alphas must be finite and >= 0, at least one: [{string.Join(", ", Alphas)}].");
        if (!(GateQuantile is > 0f and < 1f)) throw new ArgumentOutOfRangeException(nameof(GateQuantile), $"The gate quantile lies in (0, 1), got {GateQuantile}.");
        if (!(MaxCleanAccuracyDrop is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(MaxCleanAccuracyDrop), $"The clean-accuracy guard lies in [0, 1], got {MaxCleanAccuracyDrop}.");
        if (!(MaxTargetClassDropRatio >= 0 && double.IsFinite(MaxTargetClassDropRatio)))
            throw new ArgumentOutOfRangeException(nameof(MaxTargetClassDropRatio), $"The target-class guard is a finite ratio >= 0, got {MaxTargetClassDropRatio}.");
        if (!(TargetLikenessLevel is >= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(TargetLikenessLevel), $"The target-likeness test's level lies in [0, 1), got {TargetLikenessLevel}.");
        if (!(CaptureLevel is >= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(CaptureLevel), $"The capture test's level lies in [0, 1), got {CaptureLevel}.");
        if (!(CleanHoldoutFraction is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(CleanHoldoutFraction), $"The clean hold-out share lies in (0, 1), got {CleanHoldoutFraction}.");
        if (MaxRepairLayers < 1) throw new ArgumentOutOfRangeException(nameof(MaxRepairLayers), $"The automatic choice repairs at least one layer, got {MaxRepairLayers}.");
        if (Folds < 2) throw new ArgumentOutOfRangeException(nameof(Folds), $"Cross-validation needs at least 2 folds, got {Folds}.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), $"The batch size must be positive, got {BatchSize}.");
        Augmentation.Validate();
    }
}
