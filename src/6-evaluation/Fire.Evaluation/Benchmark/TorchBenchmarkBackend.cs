using Fire.Attacks;
using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Training;

namespace Fire.Evaluation.Benchmark;

/// <summary>
/// The real backend: loads data sets by their <see cref="Datasets.Reference"/>, a name or a full path (the last one
/// stays in memory, the matrix runs data set by data set), builds each attack with BackdoorBench's defaults
/// (all-to-one, target 0, the group's seed; see <see cref="AttackCatalog.CreateForRun"/>), and trains its model with
/// the recipe or reuses it from the <see cref="ModelCache"/>.
/// </summary>
public sealed class TorchBenchmarkBackend(ModelCache models, string? dataRoot = null) : IBenchmarkBackend
{
    private (string Name, DataSplit Split)? _loaded;

    public IPreparedModel Prepare(BenchmarkGroup group, BenchmarkRecipe recipe, Action<string> status, CancellationToken cancellation)
    {
        var split = Load(group.Dataset, status);
        var trainRecipe = recipe.TrainRecipe(split.Name, group.Seed);
        var attack = AttackCatalog.CreateForRun(group.Attack, ImageShape.Of(split.Train), group.Seed, split.Name, trainRecipe.Epochs);
        var hooks = new AttackTrainingHooks(new TrainingStatus(group.ToString(), status), status, Cancellation: cancellation);
        var (checkpoint, key) = models.GetOrTrain(group.Dataset, split, group.Architecture, attack, trainRecipe, hooks, status);
        return PreparedModel.Of(checkpoint, key, split, recipe, group.Seed);
    }

    private DataSplit Load(string dataset, Action<string> status)
    {
        if (_loaded is { } loaded && loaded.Name == dataset) return loaded.Split;
        _loaded = null; // let the previous data set go before the next one loads
        status($"loading {dataset}");
        var split = Datasets.Load(dataset, dataRoot, DataLoadOptions.Default with { Progress = new StatusProgress(status) });
        _loaded = (dataset, split);
        return split;
    }

    /// <summary>Forwards training progress as one status line.</summary>
    private sealed class TrainingStatus(string model, Action<string> status) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress p) =>
            status($"training {model}: epoch {p.Epoch}/{p.Epochs}, step {p.Step}/{p.StepsPerEpoch}, acc {p.Accuracy:P1}, ETA {p.Eta:hh\\:mm\\:ss}");
    }
}

/// <summary>Reports status lines synchronously, on the caller's thread (unlike <see cref="Progress{T}"/>).</summary>
internal sealed class StatusProgress(Action<string> status) : IProgress<string>
{
    public void Report(string value) => status(value);
}
