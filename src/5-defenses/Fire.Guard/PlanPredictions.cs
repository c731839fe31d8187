namespace Fire.Guard;

/// <summary>One image's answer from a plan: the repaired prediction and its confidence beside the model's own prediction.</summary>
/// <param name="Score">The score at the first repaired layer in clean standard deviations above the clean mean; null without a repair.</param>
public readonly record struct PlanPrediction(int Label, float Confidence, int ModelLabel, bool Repaired, float? Score);

/// <summary>
/// Predictions with a given <see cref="RepairPlan"/> (a snapshot a caller holds, so that every answer names the plan it
/// came from), with the model's own prediction too. One forward pass repairs every row; only the rows a repair changed
/// go through the rest of the network a second time, from their unrepaired activation at the first repaired layer, for
/// the model's own label (a gated repair changes few clean rows, so this costs little where it matters).
/// </summary>
public static class PlanPredictions
{
    public static PlanPrediction[] Predict(ILayeredModel model, RepairPlan plan, FloatBatch images)
    {
        ArgumentNullException.ThrowIfNull(plan);
        InputChecks.Images(model, images, "input batch");
        var results = new PlanPrediction[images.Count];
        if (plan.IsEmpty)
        {
            var logits = model.Forward(images);
            var labels = ModelPredictions.Argmax(logits);
            var confidences = ModelPredictions.Confidences(logits);
            for (int i = 0; i < results.Length; i++) results[i] = new PlanPrediction(labels[i], confidences[i], labels[i], false, null);
            return results;
        }
        var first = plan.Repairs.OrderBy(r => model.LayerNames.ToList().IndexOf(r.Layer)).First();
        var changed = new bool[images.Count];
        var scores = new float[images.Count];
        FloatBatch? originals = null;
        var access = new LayerAccess();
        foreach (var repair in plan.Repairs)
        {
            bool isFirst = ReferenceEquals(repair, first);
            float std = repair.CleanScores.Std > 0 ? repair.CleanScores.Std : 1f;
            access.Edit(repair.Layer, activations =>
            {
                if (isFirst) originals = new FloatBatch(activations.Values.ToArray(), activations.Shape.ToArray());
                for (int i = 0; i < activations.Count; i++)
                {
                    changed[i] |= repair.Repair(activations.Sample(i), out float score);
                    if (isFirst) scores[i] = (score - repair.CleanScores.Mean) / std;
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
