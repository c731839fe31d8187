namespace Fire.Guard;

/// <summary>
/// The automatic choice of layer, mode and alpha. It sees only the clean reference set and the observed
/// poisoned samples, never evaluation data. Its stages, each specified where it is implemented:
/// <list type="number">
/// <item>Estimated target t = the undefended model's majority prediction on the observed poisoned samples, and the samples the
///   choice reads (<see cref="SelectionSamples"/>).</item>
/// <item>False flags (<see cref="TargetLikenessTest"/>): when no candidate layer tells the observed samples predicted as t from the
///   clean reference's images of t, they are plain images of t and the choice ends with no repair. A repair fitted on them only
///   takes the class away, and the clean guards below see that only in part (measured in docs/fire-false-flags.md).</item>
/// <item>Inert patterns (<see cref="TriggerCaptureTest"/>, unpaired): when at some layer most flagged samples that carry the pattern
///   they share are not predicted as t, the pattern is no backdoor (an inert trigger on a clean model, a detector's look-alike false
///   positives) and the choice ends with no repair: a repair there would move every input carrying the pattern.</item>
/// <item>Candidates (<see cref="CandidateGrid"/>) = candidate layers x modes x alphas x direction densities.</item>
/// <item>Held-out repair score by cross-validation (<see cref="CrossValidationFolds"/>, <see cref="LayerScorer"/>,
///   <see cref="HeldOutScoring"/>).</item>
/// <item>Clean guards (<see cref="CleanGuards"/>), measured only for candidates that could still be chosen.</item>
/// <item>Choice and tie-break (<see cref="CandidatePick"/>); no repair when nothing beats the unrepaired model's score.</item>
/// <item>Stacking (up to <see cref="FireOptions.MaxRepairLayers"/> layers): the same choice again over the layers not yet
///   repaired, each candidate scored with the repairs chosen so far applied too (<see cref="StackedScorer"/>) and guarded on the
///   clean drop of all of them together; it is added only when its score beats the plan's by more than the tie tolerance. Each
///   layer keeps its own direction from the undefended model's activations, so streaming updates stay running means. One
///   direction often leaves a residue that another layer separates (measured in docs/fire-stacked.md); a greedy first stage may
///   also take the deeper of two layers that work only together, so a later stage may add a shallower one.</item>
/// </list>
/// Cost: per layer one head pass over the clean fit part and the poisoned samples; per first-stage candidate tail passes
/// over only the rows the repair changes; per stacked candidate one whole pass over the observed samples.
/// </summary>
internal static class RepairSelector
{
    public static RepairPlan Choose(ILayeredModel model, IReadOnlyList<string> layers, CleanReference clean, PoisonObservations observed, FireOptions options)
    {
        var samples = new SelectionSamples(model, observed, options);
        var scoring = new HeldOutScoring(samples, clean, model.ClassCount);
        var unrepaired = scoring.Unrepaired();
        var targetImages = clean.ClassImages(model, samples.Target, options.BatchSize);
        var likeness = options.TargetLikenessLevel > 0
            ? TargetLikenessTest.Run(model, layers, samples.CapturedImages(), targetImages, options)
            : null;
        var capture = likeness?.LooksLikeTarget == true ? null : TriggerCaptureTest.Run(model, layers, samples, clean, options);
        if (likeness?.LooksLikeTarget == true || capture?.InertPattern == true)
            return new RepairPlan([], samples.Target, samples.Count, Report([], []));

        var grid = new CandidateGrid(options, samples.Folds);
        var guards = new CleanGuards(model, clean, options, samples.Target, targetImages);
        double tolerance = CandidatePick.Tolerance(samples.ScoredCount);

        // Stage 1: one repair at any layer.
        var layerScorer = new LayerScorer(model, clean, options, samples, scoring, grid);
        var fits = new LayerFit[layers.Count];
        var candidates = new List<SelectionCandidate>();
        for (int layerIndex = 0; layerIndex < layers.Count; layerIndex++)
        {
            var (fit, layerCandidates) = layerScorer.Score(layerIndex, layers[layerIndex]);
            fits[layerIndex] = fit;
            candidates.AddRange(layerCandidates);
        }
        var chosen = new List<SelectionCandidate>();
        var next = CandidatePick.Pick(candidates, unrepaired.Score, tolerance, c => guards.Measure(c, []));
        var scored = candidates.Select(c => c.Score(stage: 1)).ToList();

        // Further stages: one more repair at a layer not yet repaired, scored with the others applied.
        var stackedScorer = new StackedScorer(model, options, samples, scoring);
        for (int stage = 2; next is not null; stage++)
        {
            chosen.Add(next);
            if (stage > options.MaxRepairLayers || chosen.Count == layers.Count) break;
            var before = chosen.ToList();
            candidates = Enumerable.Range(0, layers.Count).Where(l => before.All(c => c.LayerIndex != l))
                .SelectMany(l => grid.At(layers[l]).Select(setting => stackedScorer.Score(before, fits[l], setting))).ToList();
            next = CandidatePick.Pick(candidates, before[^1].RepairScore + tolerance, tolerance, c => guards.Measure(c, before));
            scored.AddRange(candidates.Select(c => c.Score(stage)));
        }

        return new RepairPlan(chosen.OrderBy(c => c.LayerIndex).Select(c => c.Repair).ToList(), samples.Target, samples.Count,
            Report(scored, chosen.Select((c, i) => c.Score(i + 1)).ToList()));

        SelectionReport Report(IReadOnlyList<CandidateScore> scored, IReadOnlyList<CandidateScore> chosenScores) =>
            new(samples.Count, samples.Target, observed.Source, samples.Folds.Count, clean.Count, clean.Accuracy(model, options.BatchSize), unrepaired.Rate,
                unrepaired.Score, scored, chosenScores.FirstOrDefault(), chosenScores.Skip(1).ToList(), likeness, capture);
    }

    /// <summary>The held-out score's standard error (<see cref="HeldOutScoring.StandardError"/>).</summary>
    internal static double StandardError(IReadOnlyList<double> values) => HeldOutScoring.StandardError(values);
}
