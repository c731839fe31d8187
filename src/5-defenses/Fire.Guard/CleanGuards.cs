namespace Fire.Guard;

/// <summary>
/// A candidate's clean guards: <paramref name="CleanDrop"/> on the whole clean reference, <paramref name="TargetClassDrop"/>
/// on its images of the target and the most that may be (<paramref name="TargetClassAllowance"/>), and whether both pass.
/// </summary>
internal sealed record CleanGuardReading(double CleanDrop, double TargetClassDrop, double TargetClassAllowance, bool Admissible);

/// <summary>
/// Clean guards: the deployed repair (direction from all captured samples, unpaired) may lower accuracy on the whole clean
/// reference by at most <see cref="FireOptions.MaxCleanAccuracyDrop"/>, and may move the clean reference's
/// images of t that the model classifies as t off t at most <see cref="FireOptions.MaxTargetClassDropRatio"/> times as
/// often as it moves the observed samples off t (held-out repair rate), plus one image: flagged samples that are plain
/// images of one class (false flags) are moved as often as that class's clean images, and the overall guard dilutes
/// that class's loss over all classes. Other candidates are not admissible.
/// Both are measured only for candidates that could still be chosen (walking down from the best repair score, see
/// <see cref="CandidatePick"/>). The walk reads the clean drop of many candidates and keeps the best that passes, so the one
/// kept tends to read low by chance (winner's curse): read on the held-out part alone (150 images by default), a repair that
/// cost 10 points of accuracy passed (docs/fire-false-flags.md). Both parts together give the guard more than three times the
/// images; the fit part enters a repair only through the clean mean and the gate threshold (a gate passes at most 1% of it), so
/// its optimism is bounded by the gate and negligible for ungated repairs, whose drop is the one that is hard to read.
/// A stacked candidate is guarded on the clean drop of all the repairs together.
/// </summary>
internal sealed class CleanGuards(ILayeredModel model, CleanReference clean, FireOptions options, int target, FloatBatch targetImages)
{
    /// <summary>Both clean guards for <paramref name="candidate"/> on top of the deployed repairs of <paramref name="before"/>.</summary>
    public CleanGuardReading Measure(SelectionCandidate candidate, IReadOnlyList<SelectionCandidate> before)
    {
        double cleanDrop = CleanDrop(before, candidate.Repair);
        double targetClassDrop = 0, allowance = 0;
        if (targetImages.Count > 0)
        {
            var labels = RepairedPredictions.Whole(model, [.. before.Select(c => c.Repair), candidate.Repair], targetImages, options.BatchSize).Labels;
            targetClassDrop = labels.Count(l => l != target) / (double)targetImages.Count;
            allowance = options.MaxTargetClassDropRatio * candidate.RepairRate + 1.0 / targetImages.Count;
        }
        bool admissible = cleanDrop <= options.MaxCleanAccuracyDrop + 1e-9 && targetClassDrop <= allowance + 1e-9;
        return new CleanGuardReading(cleanDrop, targetClassDrop, allowance, admissible);
    }

    /// <summary>Clean accuracy lost over the whole clean reference (both parts) by <paramref name="repair"/> on top of the deployed repairs of <paramref name="before"/>.</summary>
    private double CleanDrop(IReadOnlyList<SelectionCandidate> before, LayerRepair repair)
    {
        int batchSize = options.BatchSize;
        int lost = Lost(clean.FitImages, clean.FitLabels, clean.FitPredictions(model, batchSize), () => clean.FitActivations(model, repair.Layer, batchSize))
                   + Lost(clean.HoldoutImages, clean.HoldoutLabels, clean.HoldoutPredictions, () => clean.HoldoutActivations(model, repair.Layer, batchSize));
        return (double)lost / clean.Count;

        // One part's correct predictions lost; the first stage runs only the rows the repair changes through the tail.
        int Lost(FloatBatch images, int[] labels, int[] predictions, Func<FloatBatch> activations)
        {
            var repaired = before.Count == 0
                ? RepairedPredictions.AtLayer(model, [repair], activations(), Outputs.LabelsOnly(predictions), batchSize)[0]
                : RepairedPredictions.Whole(model, [.. before.Select(c => c.Repair), repair], images, batchSize);
            return CleanReference.Hits(predictions, labels) - CleanReference.Hits(repaired.Labels, labels);
        }
    }
}
