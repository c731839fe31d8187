namespace Fire.Guard;

/// <summary>A direction with the clean score statistics along it.</summary>
internal readonly record struct FittedDirection(TriggerDirection Direction, CleanScoreStatistics Stats);

/// <summary>One density's directions and clean score statistics at a layer: from every observed sample (deployed) and per fold.</summary>
internal sealed record DensityFit(FittedDirection Deployed, FittedDirection[] Folds, double? Separation);

/// <summary>
/// The directions at one candidate layer for every density, deployed and per cross-validation fold, from which each setting's
/// repairs are built. Each layer keeps its own direction from the undefended model's activations, so streaming updates stay
/// running means, and later stages reuse the first stage's fits.
/// </summary>
internal sealed record LayerFit(int LayerIndex, IReadOnlyDictionary<DirectionDensity, DensityFit> ByDensity)
{
    /// <summary>
    /// Fits every density at <paramref name="layer"/> from the samples' <paramref name="contributions"/> (what each adds to the
    /// direction) and plain <paramref name="activations"/> there.
    /// </summary>
    public static LayerFit Fit(int layerIndex, string layer, FloatBatch contributions, FloatBatch activations, ILayeredModel model,
        CleanReference clean, SelectionSamples samples, IReadOnlyList<DirectionDensity> densities, FireOptions options)
    {
        var cleanFit = clean.FitActivations(model, layer, options.BatchSize);
        var cleanMeans = clean.Means[layer];
        var cleanMean = cleanMeans.Mean();
        FittedDirection Fitted(float[] beta, int[] floorRows)
        {
            var direction = new TriggerDirection(layer, beta, cleanMean);
            return new(direction, CleanScoreStatistics.Measure(direction, cleanFit, options.GateQuantile, activations, floorRows));
        }
        var folds = samples.Folds;
        var foldMeans = folds.Fits.Select(rows => Mean(contributions, samples.DirectionRows(rows))).ToArray();
        // The gate's floor sees only the captured samples among those the direction was fitted on (the same rows for every density).
        int[] Floor(IEnumerable<int> fitRows) => fitRows.Where(samples.Captured.Contains).ToArray();
        var deployedFloor = Floor(Enumerable.Range(0, samples.Count));
        var foldFloors = folds.Fits.Select(Floor).ToArray();
        return new LayerFit(layerIndex, densities.ToDictionary(density => density, density =>
        {
            var foldFits = foldMeans.Select((m, f) => Fitted(DirectionDensities.Estimate(density, m, samples.Paired ? null : cleanMeans), foldFloors[f])).ToArray();
            return new DensityFit(Fitted(samples.Observed.Beta(layer, clean, density), deployedFloor), foldFits, HeldOutSeparation(foldFits, activations, samples));
        }));
    }

    public LayerRepair FoldRepair(int fold, RepairSetting setting)
    {
        var (direction, stats) = ByDensity[setting.Density].Folds[fold];
        return new(direction, stats, setting);
    }

    /// <summary>The candidate for <paramref name="setting"/> here: the deployed repair, each fold's, and its held-out measurement.</summary>
    public SelectionCandidate Candidate(RepairSetting setting, HeldOutScore measured)
    {
        var fit = ByDensity[setting.Density];
        return new(new LayerRepair(fit.Deployed.Direction, fit.Deployed.Stats, setting),
            Enumerable.Range(0, fit.Folds.Length).Select(f => FoldRepair(f, setting)).ToList(), LayerIndex, measured, fit.Separation);
    }

    /// <summary>Mean standard score of the captured samples, each along the direction of the fold that left it out.</summary>
    private static double? HeldOutSeparation(FittedDirection[] folds, FloatBatch activations, SelectionSamples samples)
    {
        var tests = samples.Folds.Tests;
        var scores = Enumerable.Range(0, tests.Length).SelectMany(f => tests[f].Where(samples.Captured.Contains)
            .Select(row => folds[f].Stats.StandardScore(folds[f].Direction.Score(activations.Sample(row))))).ToList();
        return scores.Count == 0 || scores.Any(s => s is null) ? null : scores.Average();
    }

    private static RunningMean Mean(FloatBatch contributions, IEnumerable<int> rows)
    {
        var mean = new RunningMean(contributions.SampleSize);
        foreach (int row in rows) mean.Add(contributions.Sample(row));
        return mean;
    }
}
