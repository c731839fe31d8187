
namespace Fire.Guard;

/// <summary>
/// The automatic choice of layer, mode and alpha. It sees only the clean reference set and the observed
/// poisoned samples, never evaluation data:
/// <list type="number">
/// <item>Estimated target t = the undefended model's majority prediction on the observed poisoned samples.</item>
/// <item>False flags (<see cref="TargetLikenessTest"/>): when no candidate layer tells the observed samples predicted as t from the
///   clean reference's images of t, they are plain images of t and the choice ends with no repair. A repair fitted on them only
///   takes the class away, and the clean guards below see that only in part (measured in docs/fire-false-flags.md).</item>
/// <item>Candidates = candidate layers x modes x alphas x direction densities (<see cref="FireOptions"/>); sparse
///   directions only when every fold fits its direction on at least 2 samples (with fewer they equal the dense ones).</item>
/// <item>Held-out repair score, by K-fold cross-validation over the observed samples (K = min(Folds, k); at k = 1
///   the one sample is both fit and scored, the only case without a held-out score): each sample is repaired with a
///   direction (and clean score statistics) fitted without it and counts as repaired when the prediction is no longer
///   t (unpaired) or equals the model's prediction on its clean original (paired). Unpaired, the directions and the score
///   see only the samples the model predicts as t (the captured ones): the others have nothing to repair, and clean images
///   among the flags (a detector's false positives) shortened the direction and scored every repair on how little it disturbed
///   them (measured in docs/fire-false-flags.md, mixed flags). The score is the mean over the scored samples of
///   the repaired prediction's confidence (its softmax probability) where the sample counts as repaired, 0 elsewhere.
///   The confidence tells a repair that restores a class from one that only pushes the sample off t into a region no
///   class claims: a single direction at a deep layer does the latter for full-image triggers, and a bare count of
///   "no longer t" cannot see it (measured in docs/fire-resnet20.md). Unpaired, each class's credit is capped by its
///   share of the clean reference (<see cref="ClassShareCaps"/>): confidence alone also rewards a step past the clean
///   mean that sends the samples, sure of themselves, into one wrong class (measured in docs/fire.md, CIFAR-10 SIG).
///   The bare count is reported as the repair rate.</item>
/// <item>Clean guards: the deployed repair (direction from all captured samples, unpaired) may lower accuracy on the whole clean
///   reference by at most <see cref="FireOptions.MaxCleanAccuracyDrop"/>, and may move the clean reference's
///   images of t that the model classifies as t off t at most <see cref="FireOptions.MaxTargetClassDropRatio"/> times as
///   often as it moves the observed samples off t (held-out repair rate), plus one image: flagged samples that are plain
///   images of one class (false flags) are moved as often as that class's clean images, and the overall guard dilutes
///   that class's loss over all classes. Other candidates are not admissible.
///   Both are measured only for candidates that could still be chosen (walking down from the best repair score). The walk
///   reads the clean drop of many candidates and keeps the best that passes, so the one kept tends to read low by chance
///   (winner's curse): read on the held-out part alone (150 images by default), a repair that cost 10 points of accuracy
///   passed (docs/fire-false-flags.md). Both parts together give the guard more than three times the images; the fit part
///   enters a repair only through the clean mean and the gate threshold (a gate passes at most 1% of it), so its optimism is
///   bounded by the gate and negligible for ungated repairs, whose drop is the one that is hard to read.</item>
/// <item>Choice: the admissible candidate with the highest held-out repair score; candidates within 2% of the
///   observed samples (whole samples) of the best count as tied and are ordered by smaller clean drop (a negative drop
///   counts as none: a backdoor repair does not make clean inputs more accurate, except by chance), gated modes
///   before ungated and projection before translation, sparse directions before dense (the smaller intervention),
///   smaller alpha, shallower layer (among near-equal scores an earlier repair leaves more of the network to rebuild
///   the class: measured on Blended and SIG, docs/fire.md).
///   No repair when nothing beats the unrepaired model's score.</item>
/// <item>Reported, not ranked on: each layer's held-out separation (<see cref="CandidateScore.HeldOutSeparation"/>). Ranking ties by it
///   before mode or depth was measured on the small CNN and ResNet-20 and not kept: it helped BadNets and cost SIG and Blended up to
///   13 points of PA (on the small CNN it points deeper for full-image triggers too, which an early repair restores best).</item>
/// <item>Reported, not ranked on: each candidate's standard error of the repair score (<see cref="CandidateScore.HeldOutRepairScoreError"/>),
///   which tells how far a score from few samples can be trusted (median 0.06 at k = 10, 0.045 at k = 20). Widening the ties to one standard
///   error of the best (the one-standard-error rule of cross-validated selection) was measured at k = 10 and 20 on seven models and
///   three sample draws each and not kept: with the tie-break above it took gated and milder repairs that the few samples could not
///   tell apart, and mean ASR rose from 5.6% to 9.3% at k = 10 (docs/fire-small-k.md).</item>
/// <item>Stacking (up to <see cref="FireOptions.MaxRepairLayers"/> layers): the same choice again over the layers not yet
///   repaired, each candidate scored with the repairs chosen so far applied too (in each fold, their fold directions;
///   the plan runs in layer order) and guarded on the clean drop of all of them together; it is added only when its
///   score beats the plan's by more than the tie tolerance. Each layer keeps its own direction from the undefended
///   model's activations, so streaming updates stay running means. One direction often leaves a residue that another
///   layer separates (measured in docs/fire-stacked.md); a greedy first stage may also take the deeper of two layers that work
///   only together, so a later stage may add a shallower one.</item>
/// </list>
/// Cost: per layer one head pass over the clean fit part and the poisoned samples; per first-stage candidate tail passes
/// over only the rows the repair changes; per stacked candidate one whole pass over the observed samples.
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
        var targetImages = clean.ClassImages(model, target, options.BatchSize);
        var captured = observed.CapturedRows().ToHashSet();
        // Unpaired directions average only the captured samples (as the deployed means do); a fold with none among its fit rows uses them all.
        IEnumerable<int> DirectionRows(int[] fitRows) => paired || !fitRows.Any(captured.Contains) ? fitRows : fitRows.Where(captured.Contains);
        // Unpaired, only the captured samples are scored: the others have nothing to repair, and clean flags among them would
        // score every repair on how little it disturbs them, which the clean guards already bound.
        int scoredCount = paired ? count : captured.Count;
        bool Scored(int sample) => paired || captured.Contains(sample);
        var caps = paired ? null : ClassShareCaps.FromLabels(clean.FitLabels.Concat(clean.HoldoutLabels), target, model.ClassCount, scoredCount);
        var poisoned = BatchOps.Stack(observed.Poisoned, observed.SampleShape);
        var unrepaired = ModelRunner.Predict(model, poisoned, options.BatchSize);
        var unrepairedMeasured = Measure(Enumerable.Range(0, count).Select(i => (i, unrepaired.Labels[i], unrepaired.Confidences[i])));
        var (fold, foldCount) = AssignFolds(count, options);
        var foldTests = Enumerable.Range(0, foldCount)
            .Select(f => Enumerable.Range(0, count).Where(i => foldCount == 1 || fold[i] == f).ToArray()).ToArray();
        var likeness = options.TargetLikenessLevel > 0
            ? TargetLikenessTest.Run(model, layers, BatchOps.Rows(poisoned, [.. captured.Order()]), targetImages, options)
            : null;
        if (likeness?.LooksLikeTarget == true)
            return new RepairPlan([], target, count, Report([], []));
        var densities = SparseFits(count, foldCount) || options.Densities.All(d => d == DirectionDensity.Sparse)
            ? options.Densities
            : options.Densities.Where(d => d == DirectionDensity.Dense).ToList();
        var settings = (from mode in options.Modes from alpha in options.Alphas from density in densities select new Setting(mode, alpha, density)).ToList();
        double tolerance = Math.Floor(0.02 * scoredCount) / scoredCount + 1e-9;

        // Stage 1: one repair at any layer.
        var fits = new LayerFit[layers.Count];
        var candidates = new List<Candidate>();
        for (int layerIndex = 0; layerIndex < layers.Count; layerIndex++)
            candidates.AddRange(ScoreLayer(layerIndex));
        var chosen = new List<Candidate>();
        var next = Pick(candidates, unrepairedMeasured.Score, tolerance, options, c => MeasureGuards(c, []));
        var scored = candidates.Select(c => c.Score(options, stage: 1)).ToList();

        // Further stages: one more repair at a layer not yet repaired, scored with the others applied.
        for (int stage = 2; next is not null; stage++)
        {
            chosen.Add(next);
            if (stage > options.MaxRepairLayers || chosen.Count == layers.Count) break;
            var before = chosen.ToList();
            candidates = Enumerable.Range(0, layers.Count).Where(l => before.All(c => c.LayerIndex != l))
                .SelectMany(l => settings.Select(setting => ScoreStacked(before, l, setting))).ToList();
            next = Pick(candidates, before[^1].RepairScore + tolerance, tolerance, options, c => MeasureGuards(c, before));
            scored.AddRange(candidates.Select(c => c.Score(options, stage)));
        }

        return new RepairPlan(chosen.OrderBy(c => c.LayerIndex).Select(c => c.Repair).ToList(), target, count,
            Report(scored, chosen.Select((c, i) => c.Score(options, i + 1)).ToList()));

        SelectionReport Report(IReadOnlyList<CandidateScore> scored, IReadOnlyList<CandidateScore> chosenScores) =>
            new(count, target, observed.Source, foldCount, clean.Count, clean.Accuracy(model, options.BatchSize), unrepairedMeasured.Rate,
                unrepairedMeasured.Score, scored, chosenScores.FirstOrDefault(), chosenScores.Skip(1).ToList(), likeness);

        // Both clean guards for <candidate> on top of the deployed repairs of <before>.
        void MeasureGuards(Candidate candidate, IReadOnlyList<Candidate> before)
        {
            candidate.CleanDrop = CleanDrop(model, clean, before, candidate.Repair, options);
            if (targetImages.Count == 0)
            {
                candidate.TargetClassDrop = 0;
                candidate.TargetClassAllowance = 0;
                return;
            }
            var labels = PredictWith(model, [.. before.Select(c => c.Repair), candidate.Repair], targetImages, options.BatchSize).Labels;
            candidate.TargetClassDrop = labels.Count(l => l != target) / (double)targetImages.Count;
            candidate.TargetClassAllowance = options.MaxTargetClassDropRatio * candidate.RepairRate + 1.0 / targetImages.Count;
        }

        // Directions at one layer (deployed and per fold) and every mode x alpha there, each sample scored with the
        // direction fitted without it; only rows a repair changes go through the tail.
        IEnumerable<Candidate> ScoreLayer(int layerIndex)
        {
            string layer = layers[layerIndex];
            var cleanFit = clean.FitActivations(model, layer, options.BatchSize);
            var (contributions, activations) = observed.SampleVectors(model, layer, options);
            var cleanMeans = clean.Means[layer];
            var cleanMean = cleanMeans.Mean();
            (TriggerDirection, CleanScoreStatistics) Fitted(float[] beta, FloatBatch floorActivations)
            {
                var direction = new TriggerDirection(layer, beta, cleanMean);
                return (direction, CleanScoreStatistics.Measure(direction, cleanFit, options.GateQuantile, floorActivations));
            }
            var foldFits = Enumerable.Range(0, foldCount)
                .Select(f => Enumerable.Range(0, count).Where(i => foldCount == 1 || fold[i] != f).ToArray()).ToArray();
            var foldMeans = foldFits.Select(rows => FoldMean(contributions, DirectionRows(rows))).ToArray();
            // The gate's floor sees only the captured samples among those the direction was fitted on (the same rows for every density).
            FloatBatch Floor(IEnumerable<int> fitRows) => BatchOps.Rows(activations, fitRows.Where(captured.Contains).ToArray());
            var deployedFloor = Floor(Enumerable.Range(0, count));
            var foldFloors = foldFits.Select(Floor).ToArray();
            var fit = fits[layerIndex] = new LayerFit(layerIndex, densities.ToDictionary(density => density, density =>
            {
                var folds = foldMeans.Select((m, f) => Fitted(DirectionDensities.Estimate(density, m, paired ? null : cleanMeans), foldFloors[f])).ToArray();
                return new DensityFit(Fitted(observed.Beta(layer, clean, density), deployedFloor), folds, HeldOutSeparation(folds));
            }));

            var heldOut = settings.Select(_ => new List<(int Sample, int Label, float Confidence)>()).ToArray();
            for (int f = 0; f < foldCount; f++)
            {
                var test = foldTests[f];
                var outputs = PredictRepaired(model, settings.Select(setting => fit.FoldRepair(f, setting)).ToList(),
                    BatchOps.Rows(activations, test), unrepaired.Rows(test), options.BatchSize);
                for (int c = 0; c < settings.Count; c++)
                for (int j = 0; j < test.Length; j++)
                    heldOut[c].Add((test[j], outputs[c].Labels[j], outputs[c].Confidences[j]));
            }
            return settings.Select((setting, c) => fit.Candidate(setting, Measure(heldOut[c])));

            // Mean standard score of the captured samples, each along the direction of the fold that left it out.
            double? HeldOutSeparation((TriggerDirection Direction, CleanScoreStatistics Stats)[] folds)
            {
                var scores = Enumerable.Range(0, foldCount).SelectMany(f => foldTests[f].Where(captured.Contains)
                    .Select(row => folds[f].Stats.StandardScore(folds[f].Direction.Score(activations.Sample(row))))).ToList();
                return scores.Count == 0 || scores.Any(s => s is null) ? null : scores.Average();
            }
        }

        // One more repair on top of <before>: each fold's samples run through the whole network with every repair's fold direction.
        Candidate ScoreStacked(IReadOnlyList<Candidate> before, int layerIndex, Setting setting)
        {
            var fit = fits[layerIndex];
            var heldOut = new List<(int Sample, int Label, float Confidence)>();
            for (int f = 0; f < foldCount; f++)
            {
                var outputs = PredictWith(model, [.. before.Select(c => c.FoldRepairs[f]), fit.FoldRepair(f, setting)],
                    BatchOps.Rows(poisoned, foldTests[f]), options.BatchSize);
                heldOut.AddRange(foldTests[f].Select((sample, j) => (sample, outputs.Labels[j], outputs.Confidences[j])));
            }
            return fit.Candidate(setting, Measure(heldOut));
        }

        // Repair rate, confidence-weighted repair score and the score's standard error over one prediction per observed sample.
        Measured Measure(IEnumerable<(int Sample, int Label, float Confidence)> outcomes)
        {
            var repaired = new List<(int Label, float Confidence)>();
            var credits = new List<double>(scoredCount);
            foreach (var (sample, label, confidence) in outcomes)
            {
                if (!Scored(sample)) continue;
                bool isRepaired = Repaired(sample, label);
                if (isRepaired) repaired.Add((label, confidence));
                credits.Add(isRepaired ? confidence : 0);
            }
            double credit = caps?.Credit(repaired) ?? repaired.Sum(o => (double)o.Confidence);
            return new((double)repaired.Count / scoredCount, credit / scoredCount, StandardError(credits));
        }
    }

    /// <summary>A candidate's held-out measurement: repair rate, repair score and the score's standard error.</summary>
    private readonly record struct Measured(double Rate, double Score, double StandardError);

    /// <summary>
    /// Standard error of a mean of per-sample credits (before the class caps, which bind only on the sum): the sample
    /// standard deviation over the square root of the count; 0 for fewer than 2 samples.
    /// </summary>
    internal static double StandardError(IReadOnlyList<double> values)
    {
        int n = values.Count;
        if (n < 2) return 0;
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (n - 1);
        return Math.Sqrt(variance / n);
    }

    private readonly record struct Setting(RepairMode Mode, float Alpha, DirectionDensity Density);

    /// <summary>One density's directions and clean score statistics at a layer: from every observed sample (deployed) and per fold.</summary>
    private sealed record DensityFit((TriggerDirection Direction, CleanScoreStatistics Stats) Deployed,
        (TriggerDirection Direction, CleanScoreStatistics Stats)[] Folds, double? Separation);

    private sealed record LayerFit(int LayerIndex, IReadOnlyDictionary<DirectionDensity, DensityFit> ByDensity)
    {
        public LayerRepair FoldRepair(int fold, Setting setting)
        {
            var (direction, stats) = ByDensity[setting.Density].Folds[fold];
            return new(direction, stats, setting.Mode, setting.Alpha, setting.Density);
        }

        public Candidate Candidate(Setting setting, Measured measured)
        {
            var fit = ByDensity[setting.Density];
            return new(new LayerRepair(fit.Deployed.Direction, fit.Deployed.Stats, setting.Mode, setting.Alpha, setting.Density),
                Enumerable.Range(0, fit.Folds.Length).Select(f => FoldRepair(f, setting)).ToList(), LayerIndex, measured, fit.Separation);
        }
    }

    /// <summary>A scored candidate; its clean drop is measured only when it could be chosen.</summary>
    private sealed class Candidate(LayerRepair repair, IReadOnlyList<LayerRepair> foldRepairs, int layerIndex, Measured measured, double? separation)
    {
        /// <summary>The deployed repair: direction from every observed sample.</summary>
        public LayerRepair Repair { get; } = repair;
        /// <summary>The same setting with each fold's direction, applied while a later stage is scored.</summary>
        public IReadOnlyList<LayerRepair> FoldRepairs { get; } = foldRepairs;
        public int LayerIndex { get; } = layerIndex;
        public double RepairRate { get; } = measured.Rate;
        public double RepairScore { get; } = measured.Score;
        public double ScoreError { get; } = measured.StandardError;
        /// <summary>The layer's held-out separation (<see cref="CandidateScore.HeldOutSeparation"/>): a diagnostic, not ranked on.</summary>
        public double? Separation { get; } = separation;
        public double? CleanDrop { get; set; }
        /// <summary>Share of the clean reference's target images (classified as the target) the repair moves off it.</summary>
        public double? TargetClassDrop { get; set; }
        /// <summary>The most <see cref="TargetClassDrop"/> may be: the ratio times the repair rate, plus one image.</summary>
        public double TargetClassAllowance { get; set; }
        public bool Admissible(FireOptions options) =>
            CleanDrop <= options.MaxCleanAccuracyDrop + 1e-9 && TargetClassDrop <= TargetClassAllowance + 1e-9;
        public CandidateScore Score(FireOptions options, int stage) =>
            new(Repair.Layer, Repair.Mode, Repair.Alpha, RepairRate, RepairScore, CleanDrop, Admissible(options), stage, Repair.Density, Separation, ScoreError, TargetClassDrop);
    }

    /// <summary>
    /// Walks the candidates from the highest repair score down, measuring the clean guards only on the way: the first
    /// admissible one fixes the best score, the walk ends at <paramref name="toBeat"/> or below best - tolerance, and the
    /// tie-break picks among the admissible ones seen within the tolerance.
    /// </summary>
    private static Candidate? Pick(List<Candidate> candidates, double toBeat, double tolerance, FireOptions options, Action<Candidate> measureGuards)
    {
        double? best = null;
        var tied = new List<Candidate>();
        foreach (var candidate in candidates.OrderByDescending(c => c.RepairScore).ThenBy(c => c.LayerIndex))
        {
            if (candidate.RepairScore <= toBeat || candidate.RepairScore < best - tolerance) break;
            measureGuards(candidate);
            if (!candidate.Admissible(options)) continue;
            best ??= candidate.RepairScore;
            tied.Add(candidate);
        }
        return tied
            .OrderBy(c => Math.Max(0, c.CleanDrop!.Value))
            .ThenBy(c => Array.IndexOf(InterventionOrder, c.Repair.Mode))
            .ThenBy(c => c.Repair.Density == DirectionDensity.Sparse ? 0 : 1)
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

    /// <summary>Whether every fold fits its direction on at least 2 samples, as a sparse direction needs.</summary>
    private static bool SparseFits(int count, int foldCount) => foldCount > 1 && count - (count + foldCount - 1) / foldCount >= 2;

    private static RunningMean FoldMean(FloatBatch contributions, IEnumerable<int> rows)
    {
        var mean = new RunningMean(contributions.SampleSize);
        foreach (int row in rows) mean.Add(contributions.Sample(row));
        return mean;
    }

    /// <summary>Clean accuracy lost over the whole clean reference (both parts) by <paramref name="repair"/> on top of the deployed repairs of <paramref name="before"/>.</summary>
    private static double CleanDrop(ILayeredModel model, CleanReference clean, IReadOnlyList<Candidate> before, LayerRepair repair, FireOptions options)
    {
        int batchSize = options.BatchSize;
        int lost = Lost(clean.FitImages, clean.FitLabels, clean.FitPredictions(model, batchSize), () => clean.FitActivations(model, repair.Layer, batchSize))
                   + Lost(clean.HoldoutImages, clean.HoldoutLabels, clean.HoldoutPredictions, () => clean.HoldoutActivations(model, repair.Layer, batchSize));
        return (double)lost / clean.Count;

        // One part's correct predictions lost; the first stage runs only the rows the repair changes through the tail.
        int Lost(FloatBatch images, int[] labels, int[] predictions, Func<FloatBatch> activations)
        {
            var repaired = before.Count == 0
                ? PredictRepaired(model, [repair], activations(), Outputs.LabelsOnly(predictions), batchSize)[0]
                : PredictWith(model, [.. before.Select(c => c.Repair), repair], images, batchSize);
            return CleanReference.Hits(predictions, labels) - CleanReference.Hits(repaired.Labels, labels);
        }
    }

    /// <summary>Predictions on whole images with <paramref name="repairs"/> (at distinct layers) applied in one pass.</summary>
    private static Outputs PredictWith(ILayeredModel model, IReadOnlyList<LayerRepair> repairs, FloatBatch images, int batchSize)
    {
        var plan = new RepairPlan(repairs, estimatedTarget: -1, observedCount: 0);
        return ModelRunner.Predict(model, images, batchSize, () => plan.CreateAccess(model.LayerNames));
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
