using Fire.Data;
using Fire.Evaluation.Latency;
using Fire.Evaluation.Repair;
using Fire.Training;

namespace Fire.Evaluation.Benchmark;

/// <summary>
/// How every cell of a benchmark is produced: the backdoored models' training (BackdoorBench's SGD recipe with the
/// epoch count scaled down and optionally a seeded training subset), the defender's data (a clean reference set and
/// observed poisoned samples, both from the training split, seeded), the evaluation subset of the test split, the
/// FIRE streaming points and the latency protocol. Part of every cell's fingerprint: change it and cells recompute.
/// </summary>
public sealed record BenchmarkRecipe
{
    /// <summary>A model the user brings, measured as it is (the training fields then go unused); null: the matrix's models are trained.</summary>
    public GivenModel? Model { get; init; }
    public int Epochs { get; init; } = 10;
    /// <summary>Train each backdoored model on a seeded subset of this many training images (null: all).</summary>
    public int? TrainSubset { get; init; }
    /// <summary>Evaluate on a seeded subset of this many test images (null: the whole test split).</summary>
    public int? TestSubset { get; init; }
    public int BatchSize { get; init; } = 128;
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Train with the data set's usual augmentation (crop, and flips where they keep the meaning).</summary>
    public bool Augment { get; init; } = true;
    /// <summary>Clean labelled reference images (training split) every defense is fitted with.</summary>
    public int CleanReference { get; init; } = 500;
    /// <summary>Observed poisoned samples (triggered training images of non-target classes) given to defenses that use them.</summary>
    public int Observed { get; init; } = 100;
    /// <summary>The numbers of observed samples on FIRE's streaming curve (empty: no curve).</summary>
    public IReadOnlyList<int> StreamingPoints { get; init; } = FireExperimentSettings.DefaultStreamingPoints;
    public int LatencyWarmupRuns { get; init; } = 3;
    public int LatencyTimedRuns { get; init; } = 20;
    public double LatencyMinSeconds { get; init; } = 1;

    public LatencyOptions Latency => new(LatencyWarmupRuns, LatencyTimedRuns, LatencyMinSeconds);

    /// <summary>The training recipe of the backdoored model for <paramref name="dataset"/> and <paramref name="seed"/>.</summary>
    public TrainRecipe TrainRecipe(string dataset, int seed) => new(Epochs, BatchSize, LearningRate, Seed: seed,
        Augmentation: Augment ? Datasets.DefaultAugmentation(dataset) : Augmentation.None, MaxTrainSamples: TrainSubset);

    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"--epochs must be at least 1, got {Epochs}.");
        if (TrainSubset is < 2) throw new ArgumentException($"--subset must be at least 2 images, got {TrainSubset}.");
        if (TestSubset is < 1) throw new ArgumentException($"--test-subset must be at least 1 image, got {TestSubset}.");
        if (CleanReference < 2) throw new ArgumentException($"--clean must be at least 2 images, got {CleanReference}.");
        if (Observed < 1) throw new ArgumentException($"--observed must be at least 1 sample, got {Observed}.");
        if (StreamingPoints.Any(k => k < 1)) throw new ArgumentException($"Streaming points must be at least 1: [{string.Join(", ", StreamingPoints)}].");
        Latency.Validate();
        new TrainRecipe(Epochs, BatchSize, LearningRate, MaxTrainSamples: TrainSubset).Validate();
    }

    /// <summary>One line for reports: what was trained and measured.</summary>
    public string Describe() =>
        (Model is { } given
            ? $"The given model {given.File} (SHA-256 {given.Sha256[..16]}…{(given.Input is null ? "" : $", input {given.Input}")}), not trained here; " +
              $"its backdoor: {given.Attack} ({given.Trigger}), target {given.Target}; evaluation on "
            : $"{Epochs} epoch(s) of SGD (lr {LearningRate}, momentum 0.9, weight decay 5e-4, batch {BatchSize}, cosine schedule" +
              $"{(Augment ? ", the data set's usual augmentation" : ", no augmentation")}) on " +
              $"{(TrainSubset is int n ? $"a seeded subset of {n:N0}" : "all")} training images; evaluation on ") +
        $"{(TestSubset is int t ? $"a seeded subset of {t:N0}" : "all")} test images; defenders hold {CleanReference:N0} clean training " +
        $"images and observe {Observed:N0} triggered training images of non-target classes; latency: {Latency.Describe()}, " +
        "interleaved with the undefended model.";
}
