using Fire.Models.Layers;

namespace Fire.Defenses.LatentRepair;

/// <summary>
/// The automatic choice of layer, mode and alpha. It sees only the clean reference set and the observed
/// poisoned samples, never evaluation data:
/// <list type="number">
/// <item>Estimated target t = the undefended model's majority prediction on the observed poisoned samples.</item>
/// <item>Candidates = candidate layers x modes x alphas (<see cref="FireOptions"/>).</item>
/// <item>Held-out repair rate, by K-fold cross-validation over the observed samples (K = min(Folds, k); at k = 1
///   the one sample is both fit and scored, the only case without a held-out score): each sample is repaired with a
///   direction (and clean score statistics) fitted without it and counts as repaired when the prediction is no longer
///   t (unpaired) or equals the model's prediction on its clean original (paired).</item>
/// <item>Clean guard: the deployed repair (direction from all samples) may lower accuracy on the held-out part of
///   the clean reference by at most <see cref="FireOptions.MaxCleanAccuracyDrop"/>; other candidates are not admissible.
///   It is measured only for candidates that could still be chosen (walking down from the best repair rate).</item>
/// <item>Choice: the admissible candidate with the highest held-out repair rate; candidates within 2% of the
///   observed samples (whole samples) of the best count as tied and are ordered by smaller clean drop, gated modes
///   before ungated and projection before translation (the smaller intervention), smaller alpha, deeper layer.
///   No repair when nothing beats the unrepaired model's rate.</item>
/// </list>
/// Cost: per layer one head pass over the clean fit part and the poisoned samples; per candidate tail passes over
/// only the rows the repair changes.
/// </summary>
internal static class RepairSelector
{
    private static readonly RepairMode[] InterventionOrder =
        [RepairMode.GatedProjection, RepairMode.GatedTranslate, RepairMode.Projection, RepairMode.Translate];

    public static RepairPlan Choose(ILayeredModel model, IReadOnlyList<string> layers, CleanReference clean, PoisonObservations observed, FireOptions options)
    {
        int count = observed.Count;
        int target = observed.EstimatedTarget();
        bool paired = observed.Source == DirectionSource.Paired;
        bool Repaired(int sample, int prediction) => paired ? prediction == observed.OriginalPredictions[sample] : prediction != target;
        double unrepairedRate = Enumerable.Range(0, count).Count(i => Repaired(i, observed.PoisonedPredictions[i])) / (double)count;

        var (fold, foldCount) = AssignFolds(count, options);
        var candidates = new List<Candidate>();
        for (int layerIndex = 0; layerIndex < layers.Count; layerIndex++)
        {
            string layer = layers[layerIndex];
            var cleanFit = ModelRunner.Activations(model, clean.FitImages, layer, options.BatchSize);
            var (contributions, activations) = observed.SampleVectors(model, layer, options);
            var cleanMean = clean.Means[layer].Mean();
            var deployedDirection = new TriggerDirection(layer, observed.Beta(layer, clean), cleanMean);
            var deployedStats = CleanScoreStatistics.Measure(deployedDirection, cleanFit, options.GateQuantile);

            var folds = Enumerable.Range(0, foldCount).Select(f =>
            {
                var train = Enumerable.Range(0, count).Where(i => foldCount == 1 || fold[i] != f).ToArray();
                var test = Enumerable.Range(0, count).Where(i => foldCount == 1 || fold[i] == f).ToArray();
                var direction = new TriggerDirection(layer, FoldBeta(contributions, train, paired ? null : cleanMean), cleanMean);
                var stats = CleanScoreStatistics.Measure(direction, cleanFit, options.GateQuantile);
                return (Direction: direction, Stats: stats, Test: test, Activations: BatchOps.Rows(activations, test),
                        Base: test.Select(i => observed.PoisonedPredictions[i]).ToArray());
            }).ToList();

            var settings = options.Modes.SelectMany(mode => options.Alphas.Select(alpha => (Mode: mode, Alpha: alpha))).ToList();
            var repaired = new int[settings.Count];
            foreach (var f in folds)
            {
                var predictions = PredictRepaired(model, settings.Select(c => new LayerRepair(f.Direction, f.Stats, c.Mode, c.Alpha)).ToList(),
                    f.Activations, f.Base, options.BatchSize);
                for (int c = 0; c < settings.Count; c++)
                for (int j = 0; j < f.Test.Length; j++)
                    if (Repaired(f.Test[j], predictions[c][j])) repaired[c]++;
            }
            for (int c = 0; c < settings.Count; c++)
                candidates.Add(new Candidate(new LayerRepair(deployedDirection, deployedStats, settings[c].Mode, settings[c].Alpha), layerIndex, (double)repaired[c] / count));
        }

        var chosen = Pick(candidates, count, unrepairedRate, options, candidate => CleanDrop(model, clean, candidate.Repair, options));
        var report = new SelectionReport(count, target, observed.Source, foldCount, clean.HoldoutLabels.Length, clean.HoldoutAccuracy,
            unrepairedRate, candidates.Select(c => c.Score(options)).ToList(), chosen?.Score(options));
        return new RepairPlan(chosen is null ? [] : [chosen.Repair], target, count, report);
    }

    /// <summary>A scored candidate; its clean drop is measured only when it could be chosen.</summary>
    private sealed class Candidate(LayerRepair repair, int layerIndex, double repairRate)
    {
        public LayerRepair Repair { get; } = repair;
        public int LayerIndex { get; } = layerIndex;
        public double RepairRate { get; } = repairRate;
        public double? CleanDrop { get; set; }
        public bool Admissible(FireOptions options) => CleanDrop <= options.MaxCleanAccuracyDrop + 1e-9;
        public CandidateScore Score(FireOptions options) => new(Repair.Layer, Repair.Mode, Repair.Alpha, RepairRate, CleanDrop, Admissible(options));
    }

    /// <summary>
    /// Walks the candidates from the highest repair rate down, measuring the clean guard only on the way: the first
    /// admissible one fixes the best rate, the walk ends below best - tolerance, and the tie-break picks among the
    /// admissible ones seen within the tolerance.
    /// </summary>
    private static Candidate? Pick(List<Candidate> candidates, int count, double unrepairedRate, FireOptions options, Func<Candidate, double> cleanDrop)
    {
        double tolerance = Math.Floor(0.02 * count) / count + 1e-9;
        double? best = null;
        var tied = new List<Candidate>();
        foreach (var candidate in candidates.OrderByDescending(c => c.RepairRate).ThenBy(c => c.LayerIndex))
        {
            if (candidate.RepairRate <= unrepairedRate || candidate.RepairRate < best - tolerance) break;
            candidate.CleanDrop = cleanDrop(candidate);
            if (!candidate.Admissible(options)) continue;
            best ??= candidate.RepairRate;
            tied.Add(candidate);
        }
        return tied
            .OrderBy(c => c.CleanDrop)
            .ThenBy(c => Array.IndexOf(InterventionOrder, c.Repair.Mode))
            .ThenBy(c => c.Repair.Alpha)
            .ThenByDescending(c => c.LayerIndex)
            .FirstOrDefault();
    }

    /// <summary>Seeded, balanced fold numbers; a single fold (fit = score) only when there is one sample.</summary>
    private static (int[] Fold, int Count) AssignFolds(int count, FireOptions options)
    {
        int folds = Math.Min(options.Folds, count);
        var order = Enumerable.Range(0, count).ToArray();
        new Random(Seeds.For(options.Seed, Seeds.Folds, count)).Shuffle(order);
        var fold = new int[count];
        for (int position = 0; position < count; position++) fold[order[position]] = position % Math.Max(folds, 1);
        return (fold, Math.Max(folds, 1));
    }

    private static float[] FoldBeta(FloatBatch contributions, int[] rows, float[]? cleanMean)
    {
        var mean = new RunningMean(contributions.SampleSize);
        foreach (int row in rows) mean.Add(contributions.Sample(row));
        var beta = mean.Mean();
        if (cleanMean is not null) for (int i = 0; i < beta.Length; i++) beta[i] -= cleanMean[i];
        return beta;
    }

    private static double CleanDrop(ILayeredModel model, CleanReference clean, LayerRepair repair, FireOptions options)
    {
        var predictions = PredictRepaired(model, [repair], clean.HoldoutActivations(model, repair.Layer, options.BatchSize), clean.HoldoutPredictions, options.BatchSize)[0];
        return clean.HoldoutAccuracy - CleanReference.Accuracy(predictions, clean.HoldoutLabels);
    }

    /// <summary>
    /// Predictions after each of <paramref name="repairs"/> (all at one layer). Rows a repair leaves untouched keep their
    /// unrepaired prediction; the changed rows of all repairs go through the tail together, in as few calls as possible.
    /// </summary>
    private static int[][] PredictRepaired(ILayeredModel model, IReadOnlyList<LayerRepair> repairs, FloatBatch activations, int[] unrepaired, int batchSize)
    {
        var predictions = repairs.Select(_ => (int[])unrepaired.Clone()).ToArray();
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
        for (int j = 0; j < changedRows.Count; j++) predictions[changedRows[j].Repair][changedRows[j].Row] = tail[j];
        return predictions;
    }
}
