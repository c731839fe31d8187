using System.Text.Json.Serialization;

namespace Fire.Guard;

/// <summary>One scored candidate of the automatic choice: its <see cref="RepairSetting"/> and its scores (described on the first constructor).</summary>
public sealed record CandidateScore
{
    /// <summary>The positional form the guard file and earlier callers use (its JSON names are the properties below).</summary>
    /// <param name="HeldOutRepairRate">Share of the scored samples, each scored with a direction fitted without it, that the
    /// repair moves off the estimated target (unpaired: the observed samples the model predicts as the target) or back to the
    /// model's prediction on its clean original (paired: every observed pair).</param>
    /// <param name="HeldOutRepairScore">What the choice ranks by: the same samples' mean confidence (softmax probability) in the repaired
    /// prediction where it counts as repaired, 0 elsewhere, with each class's total capped by its share of the clean reference
    /// when unpaired; at most the repair rate.</param>
    /// <param name="CleanAccuracyDrop">Accuracy on the whole clean reference without repair minus with it; null when not
    /// measured because the candidate could not have been chosen.</param>
    /// <param name="Stage">1: a first repair; n: a repair added on top of the n - 1 chosen before it (scores and clean drop are
    /// those of all of them together).</param>
    /// <param name="Density">Dense or sparse direction (<see cref="DirectionDensity"/>).</param>
    /// <param name="HeldOutSeparation">A diagnostic of the layer's direction, not used by the choice: the mean, over the observed samples
    /// the backdoor captured, of how many clean standard deviations each scores above the clean mean along the direction fitted without
    /// it (the same for every mode and alpha at a layer and density). It tells where the trigger stands out of the clean data; null
    /// where no sample was captured or the clean scores do not vary.</param>
    /// <param name="HeldOutRepairScoreError">A diagnostic, not used by the choice: the standard error of <paramref name="HeldOutRepairScore"/>,
    /// from the per-sample credits (confidence where repaired, 0 elsewhere, before the class caps). With few observed samples, scores
    /// closer than this cannot be told apart.</param>
    /// <param name="TargetClassDrop">Share of the clean reference's images of the estimated target, among those the model classifies as
    /// the target, that the repair moves off it (<see cref="FireOptions.MaxTargetClassDropRatio"/>); null when not measured.</param>
    [JsonConstructor]
    public CandidateScore(string Layer, RepairMode Mode, float Alpha, double HeldOutRepairRate, double HeldOutRepairScore, double? CleanAccuracyDrop, bool Admissible,
        int Stage = 1, DirectionDensity Density = DirectionDensity.Dense, double? HeldOutSeparation = null, double HeldOutRepairScoreError = 0, double? TargetClassDrop = null)
        : this(new RepairSetting(Layer, Mode, Alpha, Density), HeldOutRepairRate, HeldOutRepairScore, CleanAccuracyDrop, Admissible, Stage, HeldOutSeparation,
            HeldOutRepairScoreError, TargetClassDrop)
    {
    }

    public CandidateScore(RepairSetting repair, double heldOutRepairRate, double heldOutRepairScore, double? cleanAccuracyDrop, bool admissible,
        int stage = 1, double? heldOutSeparation = null, double heldOutRepairScoreError = 0, double? targetClassDrop = null)
    {
        Repair = repair;
        HeldOutRepairRate = heldOutRepairRate;
        HeldOutRepairScore = heldOutRepairScore;
        CleanAccuracyDrop = cleanAccuracyDrop;
        Admissible = admissible;
        Stage = stage;
        HeldOutSeparation = heldOutSeparation;
        HeldOutRepairScoreError = heldOutRepairScoreError;
        TargetClassDrop = targetClassDrop;
    }

    // Declared in the order of the former positional record: the guard file's JSON keeps its property order.
    public string Layer => Repair.Layer;
    public RepairMode Mode => Repair.Mode;
    public float Alpha => Repair.Alpha;
    public double HeldOutRepairRate { get; init; }
    public double HeldOutRepairScore { get; init; }
    public double? CleanAccuracyDrop { get; init; }
    public bool Admissible { get; init; }
    public int Stage { get; init; }
    public DirectionDensity Density => Repair.Density;
    public double? HeldOutSeparation { get; init; }
    public double HeldOutRepairScoreError { get; init; }
    public double? TargetClassDrop { get; init; }

    /// <summary>"conv1 projection alpha 1", with ", sparse" for a sparse direction.</summary>
    public string Setting => Repair.ToString();

    /// <summary>The candidate's layer, mode, alpha and density (written to JSON as the four members above).</summary>
    [JsonIgnore]
    public RepairSetting Repair { get; init; }
}

/// <summary>
/// How the automatic choice went: the data it used, every candidate's scores, the first repair chosen (null: no repair
/// helped) and the repairs stacked on it at other layers; <see cref="TargetLikeness"/>: the test that ends the choice before
/// any candidate when the flagged samples look like plain images of the target (null when turned off); <see cref="Capture"/>: the
/// test that ends it when the pattern the flags share does not send them to the target (null when paired, or not run; not written
/// to guard files, which keep the plan it led to and read as before it existed).
/// </summary>
public sealed record SelectionReport(
    int ObservedCount,
    int EstimatedTarget,
    DirectionSource Source,
    int Folds,
    int CleanCount,
    double CleanAccuracy,
    double UnrepairedRate,
    double UnrepairedScore,
    IReadOnlyList<CandidateScore> Candidates,
    CandidateScore? Chosen,
    IReadOnlyList<CandidateScore>? Stacked = null,
    TargetLikenessTest? TargetLikeness = null,
    [property: JsonIgnore] TriggerCaptureTest? Capture = null)
{
    /// <summary>Every chosen repair in the order chosen: <see cref="Chosen"/>, then <see cref="Stacked"/>.</summary>
    [JsonIgnore]
    public IReadOnlyList<CandidateScore> ChosenRepairs => Chosen is null ? [] : [Chosen, .. Stacked ?? []];

    public override string ToString()
    {
        if (TargetLikeness is { LooksLikeTarget: true } likeness)
            return $"k = {ObservedCount}: no repair: the flagged samples predicted as class {EstimatedTarget} look like the clean reference's " +
                   $"{likeness.TargetImageCount} images of that class at all {likeness.Layers!.Count} layers (smallest p = {likeness.SmallestPValue:0.###}): false flags, no trigger to repair";
        if (Capture is { InertPattern: true, Strongest: { } layer })
            return $"k = {ObservedCount}: no repair: at {layer.Layer}, {layer.UncapturedCarriers} of the {layer.CapturedCarriers + layer.UncapturedCarriers} flagged samples " +
                   $"that carry the flags' pattern are not predicted as class {EstimatedTarget} (p = {layer.PValue:0.####}): the pattern sends nothing to the target, no backdoor to repair";
        if (Chosen is null) return $"k = {ObservedCount}: no candidate improved on the unrepaired model within the clean guards (overall and target class)";
        var last = ChosenRepairs[^1];
        return $"k = {ObservedCount}: {string.Join(" + ", ChosenRepairs.Select(c => c.Setting))}, " +
               $"held-out repair rate {last.HeldOutRepairRate:P1} (score {last.HeldOutRepairScore:0.000} ± {last.HeldOutRepairScoreError:0.000}), clean drop {last.CleanAccuracyDrop * 100:0.0} points " +
               $"({Candidates.Count} candidates, {Folds} folds)";
    }
}
