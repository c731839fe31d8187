using Fire.Models.Layers;

namespace Fire.Defenses.LatentRepair;

/// <summary>
/// The automatic choice of layer, mode and alpha. It sees only the clean reference set and the observed
/// poisoned samples, never evaluation data:
/// <list type="number">
/// <item>Estimated target t = the undefended model's majority prediction on the observed poisoned samples.</item>
/// <item>Candidates = candidate layers x modes x alphas (<see cref="FireOptions"/>).</item>
/// <item>Held-out repair score, by K-fold cross-validation over the observed samples (K = min(Folds, k); at k = 1
///   the one sample is both fit and scored, the only case without a held-out score): each sample is repaired with a
///   direction (and clean score statistics) fitted without it and counts as repaired when the prediction is no longer
///   t (unpaired) or equals the model's prediction on its clean original (paired). The score is the mean over samples of
///   the repaired prediction's confidence (its softmax probability) where the sample counts as repaired, 0 elsewhere.
///   The confidence tells a repair that restores a class from one that only pushes the sample off t into a region no
///   class claims: a single direction at a deep layer does the latter for full-image triggers, and a bare count of
///   "no longer t" cannot see it (measured in docs/fire-resnet20.md). Unpaired, each class's credit is capped by its
///   share of the clean reference (<see cref="ClassShareCaps"/>): confidence alone also rewards a step past the clean
///   mean that sends the samples, sure of themselves, into one wrong class (measured in docs/fire.md, CIFAR-10 SIG).
///   The bare count is reported as the repair rate.</item>
/// <item>Clean guard: the deployed repair (direction from all samples) may lower accuracy on the held-out part of
///   the clean reference by at most <see cref="FireOptions.MaxCleanAccuracyDrop"/>; other candidates are not admissible.
///   It is measured only for candidates that could still be chosen (walking down from the best repair score).</item>
/// <item>Choice: the admissible candidate with the highest held-out repair score; candidates within 2% of the
///   observed samples (whole samples) of the best count as tied and are ordered by smaller clean drop, gated modes
///   before ungated and projection before translation (the smaller intervention), smaller alpha, shallower layer (among
///   near-equal scores an earlier repair leaves more of the network to rebuild the class: measured on Blended and SIG,
///   docs/fire.md).
///   No repair when nothing beats the unrepaired model's score.</item>
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
        // Paired repair is checked against each sample's own class, so needs no class-share cap.
        var caps = paired ? null : ClassShareCaps.FromLabels(clean.FitLabels.Concat(clean.HoldoutLabels), target, model.ClassCount, count);
        var unrepaired = ModelRunner.Predict(model, BatchOps.Stack(observed.Poisoned, observed.SampleShape), options.BatchSize);
        var (unrepairedRate, unrepairedScore) = Measure(Enumerable.Range(0, count).Select(i => (i, unrepaired.Labels[i], unrepaired.Confidences[i])));

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
                        Base: unrepaired.Rows(test));
            }).ToList();

            var settings = options.Modes.SelectMany(mode => options.Alphas.Select(alpha => (Mode: mode, Alpha: alpha))).ToList();
            var heldOut = settings.Select(_ => new List<(int Sample, int Label, float Confidence)>()).ToArray();
            foreach (var f in folds)
            {
                var outputs = PredictRepaired(model, settings.Select(c => new LayerRepair(f.Direction, f.Stats, c.Mode, c.Alpha)).ToList(),
                    f.Activations, f.Base, options.BatchSize);
                for (int c = 0; c < settings.Count; c++)
                for (int j = 0; j < f.Test.Length; j++)
                    heldOut[c].Add((f.Test[j], outputs[c].Labels[j], outputs[c].Confidences[j]));
            }
            for (int c = 0; c < settings.Count; c++)
            {
                var (rate, score) = Measure(heldOut[c]);
                candidates.Add(new Candidate(new LayerRepair(deployedDirection, deployedStats, settings[c].Mode, settings[c].Alpha), layerIndex, rate, score));
            }
        }

        var chosen = Pick(candidates, count, unrepairedScore, options, candidate => CleanDrop(model, clean, candidate.Repair, options));
        var report = new SelectionReport(count, target, observed.Source, foldCount, clean.HoldoutLabels.Length, clean.HoldoutAccuracy,
            unrepairedRate, unrepairedScore, candidates.Select(c => c.Score(options)).ToList(), chosen?.Score(options));
        return new RepairPlan(chosen is null ? [] : [chosen.Repair], target, count, report);

        // Repair rate and confidence-weighted repair score over one prediction per observed sample.
        (double Rate, double Score) Measure(IEnumerable<(int Sample, int Label, float Confidence)> outcomes)
        {
            var repaired = outcomes.Where(o => Repaired(o.Sample, o.Label)).Select(o => (o.Label, o.Confidence)).ToList();
            double credit = caps?.Credit(repaired) ?? repaired.Sum(o => (double)o.Confidence);
            return ((double)repaired.Count / count, credit / count);
        }
    }

    /// <summary>A scored candidate; its clean drop is measured only when it could be chosen.</summary>
    private sealed class Candidate(LayerRepair repair, int layerIndex, double repairRate, double repairScore)
    {
        public LayerRepair Repair { get; } = repair;
        public int LayerIndex { get; } = layerIndex;
        public double RepairRate { get; } = repairRate;
        public double RepairScore { get; } = repairScore;
        public double? CleanDrop { get; set; }
        public bool Admissible(FireOptions options) => CleanDrop <= options.MaxCleanAccuracyDrop + 1e-9;
        public CandidateScore Score(FireOptions options) => new(Repair.Layer, Repair.Mode, Repair.Alpha, RepairRate, RepairScore, CleanDrop, Admissible(options));
    }

    /// <summary>
    /// Walks the candidates from the highest repair score down, measuring the clean guard only on the way: the first
    /// admissible one fixes the best rate, the walk ends below best - tolerance, and the tie-break picks among the
    /// admissible ones seen within the tolerance.
    /// </summary>
    private static Candidate? Pick(List<Candidate> candidates, int count, double unrepairedScore, FireOptions options, Func<Candidate, double> cleanDrop)
    {
        double tolerance = Math.Floor(0.02 * count) / count + 1e-9;
        double? best = null;
        var tied = new List<Candidate>();
        foreach (var candidate in candidates.OrderByDescending(c => c.RepairScore).ThenBy(c => c.LayerIndex))
        {
            if (candidate.RepairScore <= unrepairedScore || candidate.RepairScore < best - tolerance) break;
            candidate.CleanDrop = cleanDrop(candidate);
            if (!candidate.Admissible(options)) continue;
            best ??= candidate.RepairScore;
            tied.Add(candidate);
        }
        return tied
            .OrderBy(c => c.CleanDrop)
            .ThenBy(c => Array.IndexOf(InterventionOrder, c.Repair.Mode))
            .ThenBy(c => c.Repair.Alpha)
            .ThenBy(c => c.LayerIndex)
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
        var outputs = PredictRepaired(model, [repair], clean.HoldoutActivations(model, repair.Layer, options.BatchSize),
            Outputs.LabelsOnly(clean.HoldoutPredictions), options.BatchSize)[0];
        return clean.HoldoutAccuracy - CleanReference.Accuracy(outputs.Labels, clean.HoldoutLabels);
    }

    /// <summary>
    /// Predictions after each of <paramref name="repairs"/> (all at one layer). Rows a repair leaves untouched keep their
    /// unrepaired output; the changed rows of all repairs go through the tail together, in as few calls as possible.
    /// </summary>
    private static Outputs[] PredictRepaired(ILayeredModel model, IReadOnlyList<LayerRepair> repairs, FloatBatch activations, Outputs unrepaired, int batchSize)
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
