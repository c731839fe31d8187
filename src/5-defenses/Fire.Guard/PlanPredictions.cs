namespace Fire.Guard;

/// <summary>One image's answer from a plan: the repaired prediction and its confidence beside the model's own prediction.</summary>
/// <param name="Score">The score at the first repaired layer in clean standard deviations above the clean mean; null without a repair.</param>
public readonly record struct PlanPrediction(int Label, float Confidence, int ModelLabel, bool Repaired, float? Score);

/// <summary>
/// Predictions with a given <see cref="RepairPlan"/> (a snapshot a caller holds, so that every answer names the plan it
/// came from), with the model's own prediction too.
/// <para>A plan of gated repairs changes only the rows whose score passes a threshold, and on clean traffic that is
/// almost none, so such a plan is <em>screened</em>: one unsplit forward pass (the engine's whole optimised graph) gives
/// the model's own answers, and the repairs read the unrepaired activations at their layers where the engine holds them
/// (<see cref="LayerAccess.Read"/>: no copy of the batch); a row no repair would change keeps that answer (its activations
/// are exactly those the repair sees), and only the rows some repair changes are run again: a copy of their activation,
/// repaired, through the rest of the network for a one-layer plan, from the input otherwise.
/// docs/serve.md measures what it costs served.</para>
/// <para>Other plans (translation and projection move most rows) repair every row in one forward pass; only the rows a
/// repair changed go through the rest of the network a second time, from their unrepaired activation at the first
/// repaired layer, for the model's own label.</para>
/// </summary>
public static class PlanPredictions
{
    public static PlanPrediction[] Predict(ILayeredModel model, RepairPlan plan, FloatBatch images)
    {
        ArgumentNullException.ThrowIfNull(plan);
        InputChecks.Images(model, images, "input batch");
        if (plan.IsEmpty)
        {
            var results = new PlanPrediction[images.Count];
            var logits = model.Forward(images);
            var labels = ModelPredictions.Argmax(logits);
            var confidences = ModelPredictions.Confidences(logits);
            for (int i = 0; i < results.Length; i++) results[i] = new PlanPrediction(labels[i], confidences[i], labels[i], false, null);
            return results;
        }
        return plan.Repairs.All(r => RepairModes.IsGated(r.Mode)) ? Screened(model, plan, images) : Repaired(model, plan, images);
    }

    /// <summary>Gated plans: one unsplit pass for every row, a repaired pass for the rows a repair changes.</summary>
    private static PlanPrediction[] Screened(ILayeredModel model, RepairPlan plan, FloatBatch images)
    {
        var order = model.LayerNames.ToList();
        var repairs = plan.Repairs.OrderBy(r => order.IndexOf(r.Layer)).ToArray();
        var changed = new bool[images.Count];
        var firstScores = new float[images.Count];
        FloatBatch? changedActivations = null;
        // The repaired layers are read where the engine holds them (no copy of the batch's activations): a row is
        // changed when some repair would change it. Stopping at the first repair that does would not change the verdict,
        // so each layer's repairs can be judged in whatever order the engine reads the layers.
        var access = new LayerAccess();
        var reads = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var layer in repairs.Select(r => r.Layer).Distinct())
        {
            var atLayer = repairs.Where(r => r.Layer == layer).ToArray();
            reads[layer] = 0;
            access.Read(layer, activations =>
            {
                if (activations.Count != images.Count)
                    throw new InvalidOperationException($"The model handed {activations.Count} rows of layer '{layer}' to a reader for a batch of {images.Count}: an engine must hand over the whole batch at once.");
                reads[layer]++;
                for (int i = 0; i < activations.Count; i++)
                    foreach (var repair in atLayer)
                    {
                        changed[i] |= repair.Changes(activations.Sample(i), out float score);
                        if (ReferenceEquals(repair, repairs[0])) firstScores[i] = repair.StandardScore(score);
                    }
                if (repairs.Length == 1 && ChangedRows(changed) is { Length: > 0 } rows) changedActivations = BatchOps.Rows(activations, rows);
            });
        }
        var logits = model.Forward(images, access);
        // A row the repairs never saw would silently count as unchanged: an engine that skips a reader is refused.
        if (reads.FirstOrDefault(r => r.Value != 1) is { Key: not null } unread)
            throw new InvalidOperationException($"The model handed layer '{unread.Key}' to its reader {unread.Value} times in one pass, not once: its engine does not honour LayerAccess readers.");
        var labels = ModelPredictions.Argmax(logits);
        var confidences = ModelPredictions.Confidences(logits);
        var results = new PlanPrediction[images.Count];
        for (int i = 0; i < results.Length; i++) results[i] = new PlanPrediction(labels[i], confidences[i], labels[i], false, firstScores[i]);
        var rows = ChangedRows(changed);
        if (rows.Length == 0) return results;
        if (changedActivations is not null)
        {
            // One repair: its layer's changed rows, repaired, need only the rest of the network.
            for (int j = 0; j < rows.Length; j++) repairs[0].Repair(changedActivations.Sample(j), out _);
            var repaired = model.Tail(changedActivations, repairs[0].Layer);
            var repairedLabels = ModelPredictions.Argmax(repaired);
            var repairedConfidences = ModelPredictions.Confidences(repaired);
            for (int j = 0; j < rows.Length; j++)
                results[rows[j]] = new PlanPrediction(repairedLabels[j], repairedConfidences[j], labels[rows[j]], true, results[rows[j]].Score);
            return results;
        }
        var again = Repaired(model, plan, BatchOps.Rows(images, rows));
        for (int j = 0; j < rows.Length; j++) results[rows[j]] = again[j];
        return results;
    }

    private static int[] ChangedRows(bool[] changed) => Enumerable.Range(0, changed.Length).Where(i => changed[i]).ToArray();

    /// <summary>Every row through the repair in one pass; the changed rows' tails again, unrepaired, for the model's own label.</summary>
    private static PlanPrediction[] Repaired(ILayeredModel model, RepairPlan plan, FloatBatch images)
    {
        var results = new PlanPrediction[images.Count];
        var first = plan.Repairs.OrderBy(r => model.LayerNames.ToList().IndexOf(r.Layer)).First();
        var changed = new bool[images.Count];
        var scores = new float[images.Count];
        FloatBatch? originals = null;
        var access = new LayerAccess();
        foreach (var repair in plan.Repairs)
        {
            bool isFirst = ReferenceEquals(repair, first);
            access.Edit(repair.Layer, activations =>
            {
                if (isFirst) originals = new FloatBatch(activations.Values.ToArray(), activations.Shape.ToArray());
                for (int i = 0; i < activations.Count; i++)
                {
                    changed[i] |= repair.Repair(activations.Sample(i), out float score);
                    if (isFirst) scores[i] = repair.StandardScore(score);
                }
            });
        }
        var repaired = model.Forward(images, access);
        var repairedLabels = ModelPredictions.Argmax(repaired);
        var repairedConfidences = ModelPredictions.Confidences(repaired);
        var modelLabels = (int[])repairedLabels.Clone();
        var changedRows = Enumerable.Range(0, changed.Length).Where(i => changed[i]).ToArray();
        if (changedRows.Length > 0 && originals is not null)
        {
            var own = ModelPredictions.Argmax(model.Tail(BatchOps.Rows(originals, changedRows), first.Layer));
            for (int j = 0; j < changedRows.Length; j++) modelLabels[changedRows[j]] = own[j];
        }
        for (int i = 0; i < results.Length; i++)
            results[i] = new PlanPrediction(repairedLabels[i], repairedConfidences[i], modelLabels[i], changed[i], scores[i]);
        return results;
    }
}
