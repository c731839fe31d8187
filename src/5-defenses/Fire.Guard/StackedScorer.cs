namespace Fire.Guard;

/// <summary>
/// Held-out repair score of one more repair on top of those chosen so far: in each fold, the earlier repairs with their fold
/// directions and the new one with its own run together through the whole network (the plan runs in layer order), one whole
/// pass over the observed samples per candidate.
/// </summary>
internal sealed class StackedScorer(ILayeredModel model, FireOptions options, SelectionSamples samples, HeldOutScoring scoring)
{
    public SelectionCandidate Score(IReadOnlyList<SelectionCandidate> before, LayerFit fit, RepairSetting setting)
    {
        var folds = samples.Folds;
        var heldOut = new List<(int Sample, int Label, float Confidence)>();
        for (int f = 0; f < folds.Count; f++)
        {
            var outputs = RepairedPredictions.Whole(model, [.. before.Select(c => c.FoldRepairs[f]), fit.FoldRepair(f, setting)],
                BatchOps.Rows(samples.Images, folds.Tests[f]), options.BatchSize);
            heldOut.AddRange(folds.Tests[f].Select((sample, j) => (sample, outputs.Labels[j], outputs.Confidences[j])));
        }
        return fit.Candidate(setting, scoring.Measure(heldOut));
    }
}
