using Fire.Attacks;
using Fire.Attacks.Kinds;
using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Models;
using Fire.Training;
using Spectre.Console;

namespace Fire.Cli.Commands.AttackCommands;

/// <summary>
/// The models of one report section (data set, architecture, recipe), trained on demand and cached as checkpoints:
/// a checkpoint is reused when its recipe, and for a backdoored one its attack specification, match the request.
/// </summary>
public sealed class ReportRuns(IAnsiConsole console, string folder, string dataset, string model, DataSplit split, TrainRecipe recipe,
    CancellationToken cancellation)
{
    private const string SecondsKey = "train_seconds";
    private const string AccuracyKey = "test_accuracy";

    /// <summary>A clean model and its figures.</summary>
    public sealed record CleanModel(LayeredNet Net, double Accuracy, double Seconds) : IDisposable
    {
        public void Dispose() => Net.Dispose();
    }

    public CleanModel Clean()
    {
        string path = PathOf("clean");
        if (Cached(path, info => info.Attack is null && info.Metrics.ContainsKey(AccuracyKey)) is { } info)
        {
            console.MarkupLineInterpolated($"  clean: reusing {path}");
            return new CleanModel(Checkpoint.Load(path).Net, info.Metrics[AccuracyKey], info.Metrics.GetValueOrDefault(SecondsKey));
        }
        var net = Trainer.CreateModel(model, split.Train, split.Normalization, recipe.Seed);
        using var trainer = new Trainer(net, recipe);
        var result = TrainingProgressView.Run(console, trainer, split.Train, cancellation);
        double accuracy = Evaluator.Accuracy(net, split.Test);
        var metrics = new Dictionary<string, double> { [AccuracyKey] = accuracy, [SecondsKey] = result.Duration.TotalSeconds };
        Checkpoint.Save(net, CheckpointInfo.For(net, dataset, split.Train, split.Normalization, recipe) with { EpochsDone = recipe.Epochs, Metrics = metrics }, path);
        console.MarkupLineInterpolated($"  clean: CA {accuracy:P2}, saved {path}");
        return new CleanModel(net, accuracy, result.Duration.TotalSeconds);
    }

    /// <summary>The trained attack (from the cache or trained now), its figures and its training time in seconds.</summary>
    public (BackdoorAttack Attack, AttackMetrics Metrics, double Seconds) Attack(BackdoorAttack fresh)
    {
        string path = PathOf(fresh.Name);
        if (Cached(path, info => info.Attack is not null && SameAttack(info, fresh.Spec)) is { } info && AttackMetrics.From(info.Metrics) is { } cached)
        {
            try
            {
                var attack = BackdoorCheckpoint.LoadAttack(info, path);
                console.MarkupLineInterpolated($"  {fresh.Name}: reusing {path}");
                return (attack, cached, info.Metrics.GetValueOrDefault(SecondsKey));
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                console.MarkupLineInterpolated($"  [yellow]{fresh.Name}: retraining[/], the cached attack cannot be loaded: {e.Message}");
            }
        }
        var run = TrainingProgressView.Run(console, (progress, status) =>
            BackdoorTraining.Run(dataset, split, model, fresh, recipe, path, new AttackTrainingHooks(progress, status, Cancellation: cancellation)));
        using var net = run.Net;
        return (fresh, run.Metrics, run.Training.Duration.TotalSeconds);
    }

    private string PathOf(string name) => Path.GetFullPath(Path.Combine(folder, $"{dataset}-{model}-{name}.pt"));

    /// <summary>The sidecar of a finished checkpoint at <paramref name="path"/> trained by this recipe, if it also passes <paramref name="matches"/>.</summary>
    private CheckpointInfo? Cached(string path, Func<CheckpointInfo, bool> matches)
    {
        if (!File.Exists(path) || !File.Exists(Checkpoint.SidecarPath(path))) return null;
        try
        {
            var info = Checkpoint.ReadInfo(path);
            return info.Recipe == recipe && info.EpochsDone == recipe.Epochs && info.Architecture.Equals(model, StringComparison.OrdinalIgnoreCase)
                   && matches(info) ? info : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Same attack, parameters and seed: the specification without what training added.</summary>
    private static bool SameAttack(CheckpointInfo info, AttackSpec requested)
    {
        var stored = AttackSpec.FromJson(info.Attack!, "a cached checkpoint");
        static string Request(AttackSpec spec) => (spec with { Poisoning = null, Weights = null }).ToJsonString();
        return Request(stored) == Request(requested);
    }
}
