using Fire.Data;
using Fire.Engines.Torch;

namespace Fire.Training;

/// <summary>What a finished (or resumed and finished) training run measured.</summary>
public sealed record TrainingOutcome(TrainResult Result, int EpochsDone, int Epochs, double TestAccuracy, TimeSpan TestTime, string Checkpoint);

/// <summary>
/// One classifier training as <c>fire train</c> runs it: a new model from a recipe, or the training saved in a
/// checkpoint continued with its own recipe. The checkpoint is saved after every epoch (weights, optimizer state and
/// sidecar), so an interrupted run continues with <see cref="Resume"/>; at the end the test accuracy joins the sidecar.
/// </summary>
public sealed class TrainingRun : IDisposable
{
    private string? _resumeFrom;

    private TrainingRun(LayeredNet net, CheckpointInfo info, DataSplit split, string output)
    {
        Net = net;
        Info = info;
        Split = split;
        Output = Path.GetFullPath(output);
    }

    public LayeredNet Net { get; }
    public CheckpointInfo Info { get; }
    public DataSplit Split { get; }
    public string Output { get; }
    public TrainRecipe Recipe => Info.Recipe!;
    /// <summary>Epochs finished and saved so far (those of the resumed checkpoint included).</summary>
    public int EpochsDone { get; private set; }

    /// <param name="dataset">The data set as the sidecar records it, to load it again: <see cref="Datasets.Reference"/>.</param>
    public static TrainingRun Start(string dataset, DataSplit split, string architecture, TrainRecipe recipe, string output)
    {
        recipe.Validate();
        var net = Trainer.CreateModel(architecture, split.Train, split.Normalization, recipe.Seed);
        return new TrainingRun(net, CheckpointInfo.For(net, dataset, split.Train, split.Normalization, recipe), split, output);
    }

    /// <summary>The training saved in <paramref name="checkpoint"/>, on the data set its sidecar names (<paramref name="loadData"/> loads it).</summary>
    public static TrainingRun Resume(string checkpoint, Func<string, DataSplit> loadData, string? output = null)
    {
        var (net, info) = Checkpoint.Load(checkpoint);
        try
        {
            if (info.Recipe is null) throw new InvalidDataException($"Checkpoint '{checkpoint}' records no training recipe to continue.");
            var split = loadData(info.Dataset);
            info.CheckData(split.Train, checkpoint);
            var run = new TrainingRun(net, info, split, output ?? checkpoint);
            run.EpochsDone = info.EpochsDone;
            run._resumeFrom = checkpoint;
            return run;
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Trains the remaining epochs, saving the checkpoint after each, then measures test accuracy and saves the final
    /// sidecar. Cancelling stops after the current step; the last finished epoch stays saved in <see cref="Output"/>.
    /// </summary>
    public TrainingOutcome Run(IProgress<TrainProgress>? progress, Action<EpochSummary>? epochDone = null, bool validateEachEpoch = false,
        CancellationToken cancellation = default)
    {
        Trainer trainer = null!;
        trainer = new Trainer(Net, Recipe)
        {
            Validation = validateEachEpoch ? Split.Test : null,
            EpochCompleted = epoch =>
            {
                Checkpoint.Save(Net, Info with { Metrics = EpochMetrics(epoch) }, Output, trainer);
                EpochsDone = epoch.Epoch;
                epochDone?.Invoke(epoch);
            },
        };
        using var owned = trainer;
        if (_resumeFrom is not null) trainer.ContinueFrom(Info, _resumeFrom);
        var result = trainer.Fit(Split.Train, progress, cancellation);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        double testAccuracy = Evaluator.Accuracy(Net, Split.Test);
        var metrics = result.Last is { } last ? EpochMetrics(last) : new Dictionary<string, double>(Info.Metrics);
        metrics["test_accuracy"] = testAccuracy;
        if (result.Epochs.Count > 0) metrics["train_images_per_second"] = result.ImagesPerSecond;
        Checkpoint.Save(Net, Info with { EpochsDone = trainer.EpochsDone, Metrics = metrics }, Output);
        EpochsDone = trainer.EpochsDone;
        return new TrainingOutcome(result, trainer.EpochsDone, Recipe.Epochs, testAccuracy, clock.Elapsed, Output);
    }

    private static Dictionary<string, double> EpochMetrics(EpochSummary epoch)
    {
        var metrics = new Dictionary<string, double> { ["train_loss"] = epoch.Loss, ["train_accuracy"] = epoch.Accuracy };
        if (epoch.ValidationAccuracy is double validation) metrics["validation_accuracy"] = validation;
        return metrics;
    }

    public void Dispose() => Net.Dispose();
}
