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
    /// in as few calls as possible.
    /// </summary>
    public static Outputs[] AtLayer(ILayeredModel model, IReadOnlyList<LayerRepair> repairs, FloatBatch activations, Outputs unrepaired, int batchSize)
    {
        var predictions = repairs.Select(_ => unrepaired.Copy()).ToArray();
        var changedRows = new List<(int Repair, int Row)>();
        var changedValues = new List<float[]>();
        for (int r = 0; r < repairs.Count; r++)
        {
            var changed = new bool[activations.Count];
            var repaired = repairs[r].Apply(activations, changed: changed);
            for (int row = 0; row < changed.Length; row++)
            {
                if (!changed[row]) continue;
                changedRows.Add((r, row));
                changedValues.Add(repaired.Sample(row).ToArray());
            }
        }
        if (changedRows.Count == 0) return predictions;
        var tail = ModelRunner.PredictFrom(model, BatchOps.Stack(changedValues, activations.SampleShape), repairs[0].Layer, batchSize);
        for (int j = 0; j < changedRows.Count; j++)
        {
            var (repair, row) = changedRows[j];
            predictions[repair].Labels[row] = tail.Labels[j];
            predictions[repair].Confidences[row] = tail.Confidences[j];
        }
        return predictions;
    }
}
