using Fire.Attacks;
using Fire.Attacks.Kinds;
using Fire.Data;
using Fire.Evaluation.Benchmark;
using Fire.Engines.Torch;
using Fire.Training;
using Spectre.Console;

namespace Fire.Cli.Commands.AttackCommands;

/// <summary>
/// The models of one report section (data set, architecture, recipe), trained on demand under a progress bar and kept
/// in the shared <see cref="ModelCache"/>, so that <c>fire attack report</c>, <c>fire defend-report</c> and
/// <c>fire bench</c> train each model once.
/// </summary>
public sealed class ReportRuns(IAnsiConsole console, ModelCache cache, string dataset, string model, DataSplit split, TrainRecipe recipe,
    CancellationToken cancellation)
{
    private const string SecondsKey = "train_seconds";
    private const string AccuracyKey = "test_accuracy";

    /// <summary>A clean model and its figures.</summary>
    public sealed record CleanModel(LayeredNet Net, double Accuracy, double Seconds) : IDisposable
    {
        public void Dispose() => Net.Dispose();
    }

    /// <summary>A backdoored model (dispose it), its figures and its training time in seconds.</summary>
    public sealed record AttackedModel(BackdoorCheckpoint Checkpoint, AttackMetrics Metrics, double Seconds) : IDisposable
    {
        public void Dispose() => Checkpoint.Dispose();
    }

    public CleanModel Clean()
    {
        string path = cache.PathFor(ModelCache.CleanKey(dataset, model, recipe));
        if (ModelCache.IsComplete(path) && Checkpoint.ReadInfo(path) is { } info && info.Metrics.TryGetValue(AccuracyKey, out double cached))
        {
            console.MarkupLineInterpolated($"  clean: reusing {path}");
            return new CleanModel(Checkpoint.Load(path).Net, cached, info.Metrics.GetValueOrDefault(SecondsKey));
        }
        var net = Trainer.CreateModel(model, split.Train, split.Normalization, recipe.Seed);
        var description = CheckpointInfo.For(net, dataset, split.Train, split.Normalization, recipe);
        var state = TrainingState.Beside(path, description);
        if (state.EpochsDone is int done) console.MarkupLineInterpolated($"  clean: continuing from epoch {done} saved in {state.Path}");
        using var trainer = new Trainer(net, recipe) { State = state };
        var result = TrainingProgressView.Run(console, trainer, split.Train, cancellation);
        double accuracy = Evaluator.Accuracy(net, split.Test);
        var metrics = new Dictionary<string, double> { [AccuracyKey] = accuracy, [SecondsKey] = result.TotalDuration.TotalSeconds };
        Checkpoint.Save(net, description with { EpochsDone = recipe.Epochs, Metrics = metrics }, path);
        state.Delete();
        console.MarkupLineInterpolated($"  clean: CA {accuracy:P2}, saved {path}");
        return new CleanModel(net, accuracy, result.TotalDuration.TotalSeconds);
    }

    /// <summary>The model backdoored by <paramref name="fresh"/> with this recipe: from the cache, or trained now.</summary>
    public AttackedModel Attack(BackdoorAttack fresh)
    {
        string path = cache.PathFor(ModelCache.Key(dataset, model, fresh.Spec, recipe));
        bool cached = ModelCache.IsComplete(path);
        var (checkpoint, _) = TrainingProgressView.Run(console, (progress, status) => cache.GetOrTrain(dataset, split, model, fresh, recipe,
            new AttackTrainingHooks(progress, status, Cancellation: cancellation), status));
        console.MarkupLineInterpolated($"  {fresh.Name}: {(cached ? "reusing" : "trained, saved")} {path}");
        // Models cached before a figure existed (or without any) are measured now; the cache is left as it is.
        var metrics = AttackMetrics.From(checkpoint.Info.Metrics) is { CleanToTarget: not null } stored
            ? stored
            : AttackMetrics.Measure(checkpoint.Net, split.Test, checkpoint.Trigger, checkpoint.Target);
        return new AttackedModel(checkpoint, metrics, checkpoint.Info.Metrics.GetValueOrDefault(SecondsKey));
    }
}
