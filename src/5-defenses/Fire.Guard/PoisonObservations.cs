namespace Fire.Guard;

/// <summary>
/// The poisoned samples observed so far and the running means they feed at every candidate layer:
/// unpaired, the mean activation (over each sample and its augmented copies) of the samples the model predicts as the
/// estimated target; paired, the mean difference h(T(x)) - h(x) over every pair. Every update is O(D) per layer and the
/// directions are usable after one sample. Unpaired, a flagged sample the backdoor did not capture carries nothing to
/// repair, and one that is a false flag (a clean image among the flagged ones) would pull the mean back toward the clean
/// one: with half the flags clean, the direction was half as long and a GTSRB WaNet repair kept 46% ASR
/// (docs/fire-false-flags.md). When the estimated target changes, the means are rebuilt from the kept samples.
/// </summary>
internal sealed class PoisonObservations
{
    public PoisonObservations(int[] sampleShape, DirectionSource source = DirectionSource.None)
    {
        SampleShape = sampleShape;
        Source = source;
    }

    public int[] SampleShape { get; }
    public DirectionSource Source { get; private set; } = DirectionSource.None;
    public List<float[]> Poisoned { get; } = new();
    /// <summary>Paired only: the clean original of each poisoned sample.</summary>
    public List<float[]> Originals { get; } = new();
    /// <summary>The undefended model's prediction on each poisoned sample.</summary>
    public List<int> PoisonedPredictions { get; } = new();
    /// <summary>Paired only: the undefended model's prediction on each clean original (the label a repair should restore).</summary>
    public List<int> OriginalPredictions { get; } = new();
    public Dictionary<string, RunningMean> Means { get; } = new(StringComparer.Ordinal);
    /// <summary>Unpaired: the class whose predicted samples <see cref="Means"/> average (-1: every sample, as guard files before it did).</summary>
    public int MeansTarget { get; set; } = -1;
    public int Count => Poisoned.Count;

    public void AddUnpaired(ILayeredModel model, FloatBatch poisoned, IReadOnlyList<string> layers, FireOptions options)
    {
        InputChecks.Images(model, poisoned, "poisoned set");
        SetSource(DirectionSource.Unpaired);
        int first = Count;
        ModelRunner.Tapped(model, poisoned, layers, options.BatchSize, (start, predictions, captured) =>
        {
            for (int row = 0; row < predictions.Length; row++)
            {
                if (predictions[row] == MeansTarget)
                    foreach (var layer in layers)
                    {
                        var activation = captured[layer].Sample(row);
                        MeanAt(layer, activation.Length).Add(activation);
                    }
                Poisoned.Add(poisoned.Sample(start + row).ToArray());
                PoisonedPredictions.Add(predictions[row]);
            }
        });
        if (EstimatedTarget() != MeansTarget)
        {
            MeansTarget = EstimatedTarget();
            Means.Clear();
            AddToMeans(model, CapturedRows(), layers, options, plain: true);
        }
        else AddToMeans(model, Enumerable.Range(first, Count - first).Where(i => PoisonedPredictions[i] == MeansTarget).ToArray(), layers, options, plain: false);
    }

    /// <summary>Adds the kept samples at <paramref name="rows"/> to the unpaired means: themselves when <paramref name="plain"/>, and their augmented copies.</summary>
    private void AddToMeans(ILayeredModel model, int[] rows, IReadOnlyList<string> layers, FireOptions options, bool plain)
    {
        if (rows.Length == 0) return;
        void Add(FloatBatch images) => ModelRunner.Tapped(model, images, layers, options.BatchSize, (_, _, captured) =>
        {
            foreach (var layer in layers)
                for (int c = 0; c < captured[layer].Count; c++) MeanAt(layer, captured[layer].SampleSize).Add(captured[layer].Sample(c));
        });
        if (plain) Add(BatchOps.Stack(rows.Select(i => Poisoned[i]).ToList(), SampleShape));
        if (options.Augmentation.Enabled) Add(BatchOps.Concat(rows.Select(i => Augment(Poisoned[i], i, options)).ToList()));
    }

    public void AddPaired(ILayeredModel model, FloatBatch originals, FloatBatch poisoned, IReadOnlyList<string> layers, FireOptions options)
    {
        InputChecks.Images(model, originals, "set of clean originals");
        InputChecks.Images(model, poisoned, "poisoned set");
        if (originals.Count != poisoned.Count)
            throw new ArgumentException($"Pairs need as many clean originals as poisoned samples: {originals.Count} and {poisoned.Count}.");
        SetSource(DirectionSource.Paired);
        var clean = new List<(int[] Predictions, IReadOnlyDictionary<string, FloatBatch> Captured)>();
        ModelRunner.Tapped(model, originals, layers, options.BatchSize, (_, predictions, captured) => clean.Add((predictions, captured)));
        int batch = 0;
        ModelRunner.Tapped(model, poisoned, layers, options.BatchSize, (start, predictions, captured) =>
        {
            var (cleanPredictions, cleanCaptured) = clean[batch++];
            for (int row = 0; row < predictions.Length; row++)
            {
                foreach (var layer in layers)
                {
                    var triggered = captured[layer].Sample(row);
                    MeanAt(layer, triggered.Length).AddDifference(triggered, cleanCaptured[layer].Sample(row));
                }
                Poisoned.Add(poisoned.Sample(start + row).ToArray());
                Originals.Add(originals.Sample(start + row).ToArray());
                PoisonedPredictions.Add(predictions[row]);
                OriginalPredictions.Add(cleanPredictions[row]);
            }
        });
    }

    /// <summary>beta at <paramref name="layer"/> from the running means, dense or sparse.</summary>
    public float[] Beta(string layer, CleanReference clean, DirectionDensity density = DirectionDensity.Dense)
    {
        if (!Means.TryGetValue(layer, out var mean))
            throw new InvalidOperationException($"No poisoned sample has been observed at layer '{layer}' yet.");
        return DirectionDensities.Estimate(density, mean, Source == DirectionSource.Unpaired ? clean.Means[layer] : null);
    }

    /// <summary>The majority prediction on the observed poisoned samples (ties: the smallest class), -1 before any.</summary>
    public int EstimatedTarget() => PoisonedPredictions.Count == 0
        ? -1
        : PoisonedPredictions.GroupBy(p => p).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;

    /// <summary>The samples the backdoor captured: those the undefended model predicts as the estimated target.</summary>
    public int[] CapturedRows()
    {
        int target = EstimatedTarget();
        return Enumerable.Range(0, Count).Where(i => PoisonedPredictions[i] == target).ToArray();
    }

    /// <summary>
    /// Per-sample vectors at one layer for cross-validation: what each sample adds to the direction (unpaired: its
    /// activation averaged with its augmented copies; paired: its difference) and its plain poisoned activation. Unpaired
    /// without augmentation both are the same batch (read only), which saves a copy of k activations per layer.
    /// </summary>
    public (FloatBatch Contributions, FloatBatch Activations) SampleVectors(ILayeredModel model, string layer, FireOptions options)
    {
        var poisoned = BatchOps.Stack(Poisoned, SampleShape);
        var activations = ModelRunner.Activations(model, poisoned, layer, options.BatchSize);
        if (Source != DirectionSource.Paired && !options.Augmentation.Enabled) return (activations, activations); // both read-only
        var contributions = activations.Clone();
        if (Source == DirectionSource.Paired)
        {
            var originals = ModelRunner.Activations(model, BatchOps.Stack(Originals, SampleShape), layer, options.BatchSize);
            for (int i = 0; i < contributions.Data.Length; i++) contributions.Data[i] -= originals.Data[i];
        }
        else if (options.Augmentation.Enabled)
        {
            int perSample = options.Augmentation.Copies;
            var copies = ModelRunner.Activations(model, BatchOps.Concat(Enumerable.Range(0, Count).Select(i => Augment(Poisoned[i], i, options)).ToList()),
                layer, options.BatchSize);
            for (int i = 0; i < Count; i++)
            {
                var mean = new RunningMean(copies.SampleSize);
                mean.Add(activations.Sample(i));
                for (int c = 0; c < perSample; c++) mean.Add(copies.Sample(i * perSample + c));
                mean.Mean().CopyTo(contributions.Sample(i));
            }
        }
        return (contributions, activations);
    }

    private FloatBatch Augment(float[] image, int index, FireOptions options) =>
        options.Augmentation.Augment(image, SampleShape, Seeds.For(options.Seed, Seeds.PoisonedAugmentation, index));

    private RunningMean MeanAt(string layer, int dimension)
    {
        if (!Means.TryGetValue(layer, out var mean)) Means[layer] = mean = new RunningMean(dimension);
        return mean;
    }

    private void SetSource(DirectionSource source)
    {
        if (Source != DirectionSource.None && Source != source)
            throw new InvalidOperationException($"This guard estimates its directions from {Describe(Source)}; it cannot mix in {Describe(source)}. Use a second guard for the other kind.");
        Source = source;
    }

    private static string Describe(DirectionSource source) => source == DirectionSource.Paired ? "pairs (ObservePairs)" : "unpaired samples (Observe)";
}
