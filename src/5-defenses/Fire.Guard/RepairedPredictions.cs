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
    /// Predictions after each of <paramref name="repairs"/> (all at one layer), from that layer's <paramref name="activations"/>
    /// (only <paramref name="rows"/> of them when given: outputs follow their order, <paramref name="unrepaired"/> included).
    /// Rows a repair leaves untouched keep their unrepaired output; the changed rows of all repairs go through the tail together,
    /// <paramref name="batchSize"/> at a time, gathered into one buffer that each chunk reuses. The automatic choice calls this
    /// for every candidate and fold: copying every row for each allocated gigabytes per re-selection in a served guard, and
    /// gathering all changed rows at once (up to k x 24 settings) held a copy the size of the whole candidate grid.
    /// </summary>
    public static Outputs[] AtLayer(ILayeredModel model, IReadOnlyList<LayerRepair> repairs, FloatBatch activations, Outputs unrepaired, int batchSize,
        IReadOnlyList<int>? rows = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int count = rows?.Count ?? activations.Count;
        if (unrepaired.Labels.Length != count)
            throw new ArgumentException($"{count} rows to repair but {unrepaired.Labels.Length} unrepaired outputs.", nameof(unrepaired));
        Span<float> Sample(int row) => activations.Sample(rows is null ? row : rows[row]);
        var predictions = repairs.Select(_ => unrepaired.Copy()).ToArray();
        var changedRows = new List<(int Repair, int Row)>();
        for (int r = 0; r < repairs.Count; r++)
            for (int row = 0; row < count; row++)
                if (repairs[r].Changes(Sample(row), out _)) changedRows.Add((r, row));
        if (changedRows.Count == 0) return predictions;

        int size = activations.SampleSize;
        var buffer = new float[Math.Min(batchSize, changedRows.Count) * size];
        for (int start = 0; start < changedRows.Count; start += batchSize)
        {
            int chunkRows = Math.Min(batchSize, changedRows.Count - start);
            var chunk = new FloatBatch(chunkRows * size == buffer.Length ? buffer : new float[chunkRows * size], [chunkRows, .. activations.SampleShape]);
            for (int j = 0; j < chunkRows; j++)
            {
                var (repair, row) = changedRows[start + j];
                Sample(row).CopyTo(chunk.Sample(j));
                repairs[repair].Repair(chunk.Sample(j), out _);
            }
            var logits = model.Tail(chunk, repairs[0].Layer);
            var labels = ModelPredictions.Argmax(logits);
            var confidences = ModelPredictions.Confidences(logits);
            for (int j = 0; j < chunkRows; j++)
            {
                var (repair, row) = changedRows[start + j];
                predictions[repair].Labels[row] = labels[j];
                predictions[repair].Confidences[row] = confidences[j];
            }
        }
        return predictions;
    }
}
