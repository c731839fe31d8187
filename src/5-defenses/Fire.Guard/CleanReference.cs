namespace Fire.Guard;

/// <summary>
/// The defender's clean labelled images, split (seeded) into a fit part, which gives the clean means and the
/// clean score statistics, and a held-out part. The clean guard of the automatic choice reads both parts (see
/// <see cref="CleanGuards"/>): the held-out part alone was too small for a guard read on every candidate.
/// </summary>
internal sealed class CleanReference
{
    private readonly Dictionary<string, FloatBatch> _fitActivations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FloatBatch> _holdoutActivations = new(StringComparer.Ordinal);
    private int[]? _fitPredictions;

    public CleanReference(FloatBatch fitImages, int[] fitLabels, FloatBatch holdoutImages, int[] holdoutLabels, Dictionary<string, RunningMean> means, int[] holdoutPredictions)
    {
        FitImages = fitImages;
        FitLabels = fitLabels;
        HoldoutImages = holdoutImages;
        HoldoutLabels = holdoutLabels;
        Means = means;
        HoldoutPredictions = holdoutPredictions;
    }

    public FloatBatch FitImages { get; }
    public int[] FitLabels { get; }
    public FloatBatch HoldoutImages { get; }
    public int[] HoldoutLabels { get; }
    /// <summary>The undefended model's predictions on the held-out part.</summary>
    public int[] HoldoutPredictions { get; }
    /// <summary>Mean activation per candidate layer over the fit part (and its augmented copies).</summary>
    public Dictionary<string, RunningMean> Means { get; }
    public int Count => FitLabels.Length + HoldoutLabels.Length;

    /// <summary>The undefended model's predictions on the fit part, computed once.</summary>
    public int[] FitPredictions(ILayeredModel model, int batchSize) =>
        _fitPredictions ??= ModelPredictions.Predict(model, FitImages, chunkSize: batchSize);

    /// <summary>The undefended model's accuracy on the whole reference (both parts).</summary>
    public double Accuracy(ILayeredModel model, int batchSize) =>
        (double)(Hits(FitPredictions(model, batchSize), FitLabels) + Hits(HoldoutPredictions, HoldoutLabels)) / Count;

    public static CleanReference Build(ILayeredModel model, FloatBatch images, int[] labels, IReadOnlyList<string> layers, FireOptions options)
    {
        InputChecks.Images(model, images, "clean reference");
        if (labels.Length != images.Count)
            throw new ArgumentException($"The clean reference has {images.Count} images but {labels.Length} labels.");
        if (images.Count < 2) throw new ArgumentException($"The clean reference needs at least 2 images (a fit and a held-out part), got {images.Count}.");
        foreach (int label in labels)
            if (label < 0 || label >= model.ClassCount)
                throw new ArgumentException($"Clean label {label} is outside the model's {model.ClassCount} classes.");

        var order = Enumerable.Range(0, images.Count).ToArray();
        new Random(Seeds.For(options.Seed, Seeds.CleanSplit)).Shuffle(order);
        int holdout = Math.Clamp((int)Math.Round(images.Count * options.CleanHoldoutFraction), 1, images.Count - 1);
        var fitRows = order[holdout..].Order().ToArray();
        var holdoutRows = order[..holdout].Order().ToArray();
        var fitImages = BatchOps.Rows(images, fitRows);
        var holdoutImages = BatchOps.Rows(images, holdoutRows);
        var fitLabels = fitRows.Select(i => labels[i]).ToArray();
        var holdoutLabels = holdoutRows.Select(i => labels[i]).ToArray();
        var means = MeasureMeans(model, fitImages, layers, options);
        var predictions = ModelPredictions.Predict(model, holdoutImages, chunkSize: options.BatchSize);
        return new CleanReference(fitImages, fitLabels, holdoutImages, holdoutLabels, means, predictions);
    }

    /// <summary>Clean means over the fit images and, for unpaired estimation with augmentation, their augmented copies.</summary>
    public static Dictionary<string, RunningMean> MeasureMeans(ILayeredModel model, FloatBatch fitImages, IReadOnlyList<string> layers, FireOptions options)
    {
        var means = new Dictionary<string, RunningMean>(StringComparer.Ordinal);
        void Add(FloatBatch batch) => ModelRunner.Tapped(model, batch, layers, options.BatchSize, (_, _, captured) =>
        {
            foreach (var layer in layers)
            {
                var activations = captured[layer];
                if (!means.TryGetValue(layer, out var mean)) means[layer] = mean = new RunningMean(activations.SampleSize);
                for (int i = 0; i < activations.Count; i++) mean.Add(activations.Sample(i));
            }
        });
        Add(fitImages);
        if (options.Augmentation.Enabled)
            Add(BatchOps.Concat(Enumerable.Range(0, fitImages.Count)
                .Select(i => options.Augmentation.Augment(fitImages.Sample(i), fitImages.SampleShape, Seeds.For(options.Seed, Seeds.CleanAugmentation, i))).ToList()));
        return means;
    }

    /// <summary>The fit part's activations at <paramref name="layer"/>, cached (call <see cref="KeepCached"/> to bound memory).</summary>
    public FloatBatch FitActivations(ILayeredModel model, string layer, int batchSize) => Cached(_fitActivations, model, FitImages, layer, batchSize);

    /// <summary>The held-out part's activations at <paramref name="layer"/>, cached until the next <see cref="KeepCached"/>.</summary>
    public FloatBatch HoldoutActivations(ILayeredModel model, string layer, int batchSize) => Cached(_holdoutActivations, model, HoldoutImages, layer, batchSize);

    /// <summary>The images of the whole reference (fit and held-out parts) labelled <paramref name="label"/> that the undefended model classifies as it.</summary>
    public FloatBatch ClassImages(ILayeredModel model, int label, int batchSize)
    {
        var images = BatchOps.Concat([BatchOps.Rows(FitImages, Rows(FitLabels)), BatchOps.Rows(HoldoutImages, Rows(HoldoutLabels))]);
        if (images.Count == 0) return images;
        var predictions = ModelPredictions.Predict(model, images, chunkSize: batchSize);
        return BatchOps.Rows(images, Enumerable.Range(0, images.Count).Where(i => predictions[i] == label).ToArray());

        int[] Rows(int[] labels) => Enumerable.Range(0, labels.Length).Where(i => labels[i] == label).ToArray();
    }

    /// <summary>Drops cached activations: the fit part's except at <paramref name="layers"/> (the plan's), all of the held-out part's.</summary>
    public void KeepCached(IEnumerable<string> layers)
    {
        var keep = layers.ToHashSet();
        foreach (var layer in _fitActivations.Keys.Where(l => !keep.Contains(l)).ToList()) _fitActivations.Remove(layer);
        _holdoutActivations.Clear();
    }

    private static FloatBatch Cached(Dictionary<string, FloatBatch> cache, ILayeredModel model, FloatBatch images, string layer, int batchSize)
    {
        if (!cache.TryGetValue(layer, out var activations))
            cache[layer] = activations = ModelRunner.Activations(model, images, layer, batchSize);
        return activations;
    }

    public static int Hits(IReadOnlyList<int> predicted, IReadOnlyList<int> truth)
    {
        int hits = 0;
        for (int i = 0; i < predicted.Count; i++) if (predicted[i] == truth[i]) hits++;
        return hits;
    }
}
