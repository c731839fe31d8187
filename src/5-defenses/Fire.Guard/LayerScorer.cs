namespace Fire.Guard;

/// <summary>
/// Held-out repair scores of every setting at one layer, by K-fold cross-validation over the observed samples
/// (<see cref="CrossValidationFolds"/>): each sample is repaired with a direction (and clean score statistics) fitted without it
/// and scored by <see cref="HeldOutScoring"/>. Only the rows a repair changes go through the tail: per layer one head pass over
/// the clean fit part and the poisoned samples, per candidate tail passes over the changed rows.
/// </summary>
internal sealed class LayerScorer(ILayeredModel model, CleanReference clean, FireOptions options, SelectionSamples samples, HeldOutScoring scoring, CandidateGrid grid)
{
    /// <summary>The layer's directions and its candidates, one per setting of the grid, in the grid's order.</summary>
    public (LayerFit Fit, IReadOnlyList<SelectionCandidate> Candidates) Score(int layerIndex, string layer)
    {
        var (contributions, activations) = samples.Observed.SampleVectors(model, layer, options);
        var fit = LayerFit.Fit(layerIndex, layer, contributions, activations, model, clean, samples, grid.Densities, options);
        var settings = grid.At(layer);
        var folds = samples.Folds;
        var heldOut = settings.Select(_ => new List<(int Sample, int Label, float Confidence)>()).ToArray();
        for (int f = 0; f < folds.Count; f++)
        {
            var test = folds.Tests[f];
            var outputs = RepairedPredictions.AtLayer(model, settings.Select(setting => fit.FoldRepair(f, setting)).ToList(),
                activations, samples.Unrepaired.Rows(test), options.BatchSize, rows: test);
            for (int c = 0; c < settings.Count; c++)
            for (int j = 0; j < test.Length; j++)
                heldOut[c].Add((test[j], outputs[c].Labels[j], outputs[c].Confidences[j]));
        }
        return (fit, settings.Select((setting, c) => fit.Candidate(setting, scoring.Measure(heldOut[c]))).ToList());
    }
}
