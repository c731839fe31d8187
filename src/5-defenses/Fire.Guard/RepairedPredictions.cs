namespace Fire.Guard;

/// <summary>Predictions with repairs applied, for scoring and guarding candidates.</summary>
internal static class RepairedPredictions
{
    /// <summary>Predictions on whole images with <paramref name="repairs"/> (at distinct layers) applied in one pass.</summary>
    public static Outputs Whole(ILayeredModel model, IReadOnlyList<LayerRepair> repairs, FloatBatch images, int batchSize)
    {
        var plan = new RepairPlan(repairs, estimatedTarget: -1, observedCount: 0);
        return ModelRunner.Predict(model, images, batchSize, () => plan.CreateAccess(model.LayerNames));
    }

    /// <summary>
    /// Predictions after each of <paramref name="repairs"/> (all at one layer), from that layer's <paramref name="activations"/>.
    /// Rows a repair leaves untouched keep their unrepaired output; the changed rows of all repairs go through the tail together,
    /// in as few calls as possible. Only the changed rows are copied (the automatic choice calls this for every candidate
    /// and fold, and copying every row for each allocated gigabytes per re-selection in a served guard).
    /// </summary>
    public static Outputs[] AtLayer(ILayeredModel model, IReadOnlyList<LayerRepair> repairs, FloatBatch activations, Outputs unrepaired, int batchSize)
    {
        var predictions = repairs.Select(_ => unrepaired.Copy()).ToArray();
        var changedRows = new List<(int Repair, int Row)>();
        for (int r = 0; r < repairs.Count; r++)
            for (int row = 0; row < activations.Count; row++)
                if (repairs[r].Changes(activations.Sample(row), out _)) changedRows.Add((r, row));
        if (changedRows.Count == 0) return predictions;
        var repaired = new FloatBatch(new float[changedRows.Count * activations.SampleSize], [changedRows.Count, .. activations.SampleShape]);
        for (int j = 0; j < changedRows.Count; j++)
        {
            var (repair, row) = changedRows[j];
            activations.Sample(row).CopyTo(repaired.Sample(j));
            repairs[repair].Repair(repaired.Sample(j), out _);
        }
        var tail = ModelRunner.PredictFrom(model, repaired, repairs[0].Layer, batchSize);
        for (int j = 0; j < changedRows.Count; j++)
        {
            var (repair, row) = changedRows[j];
            predictions[repair].Labels[row] = tail.Labels[j];
            predictions[repair].Confidences[row] = tail.Confidences[j];
        }
        return predictions;
    }
}
