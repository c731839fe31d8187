using Fire.Attacks;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Evaluation.Benchmark;
using Fire.Training;

namespace Fire.Evaluation.Runs;

/// <summary>
/// The models of one experiment (data set, architecture, recipe): taken from the shared <see cref="ModelCache"/> or
/// trained now and put there, so that <c>fire attack report</c>, <c>fire defend-report</c>, <c>fire bench</c> and
/// <c>fire demo</c> train each model once. A training interrupted midway continues from its last finished epoch.
/// </summary>
public sealed class ModelRuns(ModelCache cache, string dataset, string architecture, DataSplit split, TrainRecipe recipe,
    IRunObserver observer, CancellationToken cancellation = default)
{
    private const string SecondsKey = "train_seconds";
    private const string AccuracyKey = "test_accuracy";

    /// <summary>A clean model and its figures.</summary>
    public sealed record CleanModel(LayeredNet Net, double Accuracy, double Seconds) : IDisposable
    {
        public void Dispose() => Net.Dispose();
    }

    /// <summary>A backdoored model (dispose it), its figures, its training time in seconds and whether it came from the cache.</summary>
    public sealed record AttackedModel(BackdoorCheckpoint Checkpoint, AttackMetrics Metrics, double Seconds, string Path, bool Reused) : IDisposable
    {
        public void Dispose() => Checkpoint.Dispose();
    }

    /// <summary>A clean model of this recipe: its test accuracy is measured once and kept in its sidecar.</summary>
    public CleanModel Clean()
    {
        string path = cache.PathFor(ModelCache.CleanKey(dataset, architecture, recipe));
        if (ModelCache.IsComplete(path) && Checkpoint.ReadInfo(path) is { } info && info.Metrics.TryGetValue(AccuracyKey, out double cached))
        {
            observer.Note($"clean: reusing {path}");
            return new CleanModel(Checkpoint.Load(path).Net, cached, info.Metrics.GetValueOrDefault(SecondsKey));
        }
        var net = Trainer.CreateModel(architecture, split.Train, split.Normalization, recipe.Seed);
        try
        {
            var description = CheckpointInfo.For(net, dataset, split.Train, split.Normalization, recipe);
            var state = TrainingState.Beside(path, description);
            if (state.EpochsDone is int done) observer.Note($"clean: continuing from epoch {done} saved in {state.Path}");
            using var trainer = new Trainer(net, recipe) { State = state };
            var result = observer.Training((progress, _) => trainer.Fit(split.Train, progress, cancellation));
            double accuracy = Evaluator.Accuracy(net, split.Test);
            var metrics = new Dictionary<string, double> { [AccuracyKey] = accuracy, [SecondsKey] = result.TotalDuration.TotalSeconds };
            Checkpoint.Save(net, description with { EpochsDone = recipe.Epochs, Metrics = metrics }, path);
            state.Delete();
            observer.Note($"clean: CA {accuracy:P2}, saved {path}");
            return new CleanModel(net, accuracy, result.TotalDuration.TotalSeconds);
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    /// <summary>The model backdoored by <paramref name="fresh"/> with this recipe: from the cache, or trained now.</summary>
    public AttackedModel Attack(BackdoorAttack fresh)
    {
        string path = cache.PathFor(ModelCache.Key(dataset, architecture, fresh.Spec, recipe));
        bool reused = ModelCache.IsComplete(path);
        var (checkpoint, _) = observer.Training((progress, status) => cache.GetOrTrain(dataset, split, architecture, fresh, recipe,
            new AttackTrainingHooks(progress, status, Cancellation: cancellation), status));
        observer.Note($"{fresh.Name}: {(reused ? "reusing" : "trained, saved")} {path}");
        // Models cached before a figure existed (or without any) are measured now; the cache is left as it is.
        var metrics = AttackMetrics.From(checkpoint.Info.Metrics) is { CleanToTarget: not null } stored
            ? stored
            : AttackMetrics.Measure(checkpoint.Net, split.Test, checkpoint.Trigger, checkpoint.Target);
        return new AttackedModel(checkpoint, metrics, checkpoint.Info.Metrics.GetValueOrDefault(SecondsKey), path, reused);
    }
}
