namespace Fire.Defenses.LatentRepair;

/// <summary>One scored candidate of the automatic choice.</summary>
/// <param name="HeldOutRepairRate">Share of observed poisoned samples, each scored with a direction fitted without it, that the
/// repair moves off the estimated target (unpaired) or back to the model's prediction on its clean original (paired).</param>
/// <param name="HeldOutRepairScore">What the choice ranks by: the same samples' mean confidence (softmax probability) in the repaired
/// prediction where it counts as repaired, 0 elsewhere, with each class's total capped by its share of the clean reference
/// when unpaired; at most the repair rate.</param>
/// <param name="CleanAccuracyDrop">Accuracy on the held-out clean reference without repair minus with it; null when not
/// measured because the candidate could not have been chosen.</param>
public sealed record CandidateScore(string Layer, RepairMode Mode, float Alpha, double HeldOutRepairRate, double HeldOutRepairScore, double? CleanAccuracyDrop, bool Admissible);

/// <summary>How the automatic choice went: the data it used, every candidate's scores and the one chosen (null: no repair helped).</summary>
public sealed record SelectionReport(
    int ObservedCount,
    int EstimatedTarget,
    DirectionSource Source,
    int Folds,
    int CleanHoldoutCount,
    double CleanHoldoutAccuracy,
    double UnrepairedRate,
    double UnrepairedScore,
    IReadOnlyList<CandidateScore> Candidates,
    CandidateScore? Chosen)
{
    public override string ToString() => Chosen is null
        ? $"k = {ObservedCount}: no candidate improved on the unrepaired model within the clean-accuracy guard"
        : $"k = {ObservedCount}: {Chosen.Layer} {RepairModes.Name(Chosen.Mode)} alpha {Chosen.Alpha:0.##}, held-out repair rate {Chosen.HeldOutRepairRate:P1} (score {Chosen.HeldOutRepairScore:0.000}), clean drop {Chosen.CleanAccuracyDrop * 100:0.0} points ({Candidates.Count} candidates, {Folds} folds)";
}
