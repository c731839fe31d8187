using Fire.Data;

namespace Fire.Training;

/// <summary>
/// How a classifier is trained: SGD with momentum and weight decay, cross-entropy, and a cosine learning-rate
/// schedule stepped once per batch (see <see cref="CosineSchedule"/>). The defaults are BackdoorBench's reference
/// recipe (lr 0.01, momentum 0.9, weight decay 5e-4, batch 128); only the epoch count has no default, because
/// CPU recipes scale it down (and may train on a seeded subset, <see cref="MaxTrainSamples"/>) and must say so.
/// </summary>
/// <param name="Augmentation">Applied to training batches on the loader thread; null means none.</param>
/// <param name="MaxTrainSamples">When set, train on this many training images drawn with <see cref="Seed"/>.</param>
/// <param name="LabelSmoothing">Cross-entropy label smoothing in [0, 1) (0: plain cross-entropy, BackdoorBench's choice).</param>
public sealed record TrainRecipe(
    int Epochs,
    int BatchSize = 128,
    double LearningRate = 0.01,
    double Momentum = 0.9,
    double WeightDecay = 5e-4,
    int Seed = 0,
    Augmentation? Augmentation = null,
    int? MaxTrainSamples = null,
    double LabelSmoothing = 0)
{
    /// <summary>BackdoorBench trains 100 epochs on CIFAR-10 and 50 on GTSRB (and other data sets).</summary>
    public static TrainRecipe BackdoorBench(string dataset) =>
        new(dataset.Equals("cifar10", StringComparison.OrdinalIgnoreCase) ? 100 : 50);

    /// <summary>The schedule, named in checkpoints so that a reader knows how the rate moved.</summary>
    public string Schedule => CosineSchedule.Name;

    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"Epochs must be at least 1, got {Epochs}.");
        if (BatchSize < 2) throw new ArgumentException($"Batch size must be at least 2 (batch normalisation needs two samples), got {BatchSize}.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"Learning rate must be positive, got {LearningRate}.");
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentException($"Momentum must be in [0, 1), got {Momentum}.");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw new ArgumentException($"Weight decay must be non-negative, got {WeightDecay}.");
        if (!(LabelSmoothing >= 0 && LabelSmoothing < 1)) throw new ArgumentException($"Label smoothing must be in [0, 1), got {LabelSmoothing}.");
        if (MaxTrainSamples is < 2) throw new ArgumentException($"The training subset needs at least 2 images, got {MaxTrainSamples}.");
    }

    /// <summary>
    /// Positions (into <paramref name="train"/>) of the images this recipe trains on: all of them, or a seeded
    /// random subset of <see cref="MaxTrainSamples"/> in ascending order.
    /// </summary>
    public int[] TrainingIndices(ImageDataset train)
    {
        if (MaxTrainSamples is not int max || max >= train.Count) return Enumerable.Range(0, train.Count).ToArray();
        var order = Enumerable.Range(0, train.Count).ToArray();
        new Random(Seed).Shuffle(order);
        var chosen = order[..max];
        Array.Sort(chosen);
        return chosen;
    }

    /// <summary>The recipe in one line, as every command and report prints it ("40 epochs over 39,209 of 39,209 training images, ...").</summary>
    public string Describe(int trainCount)
    {
        int images = MaxTrainSamples is int max && max < trainCount ? max : trainCount;
        var augmentation = Augmentation is { } a && a != Data.Augmentation.None
            ? $"random crop (padding {a.CropPadding}){(a.HorizontalFlip ? " and flip" : "")}"
            : "no augmentation";
        return $"{Epochs:N0} epoch{(Epochs == 1 ? "" : "s")} over {images:N0} of {trainCount:N0} training images, batch {BatchSize}, SGD lr {LearningRate} " +
               $"(cosine per step), momentum {Momentum}, weight decay {WeightDecay}{(LabelSmoothing > 0 ? $", label smoothing {LabelSmoothing}" : "")}, " +
               $"{augmentation}, seed {Seed}";
    }
}
