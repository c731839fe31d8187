using System.ComponentModel;
using System.Diagnostics;
using Fire.Data;
using Fire.Defenses.Baselines;
using Fire.Defenses.LatentRepair;
using Fire.Evaluation.Metrics;
using Fire.Evaluation.Repair;
using Fire.Models;
using Fire.Models.Layers;
using Fire.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands;

public sealed class EvalSettings : ComputeSettings
{
    [CommandArgument(0, "<checkpoint>")]
    [Description("Checkpoint to evaluate (model.pt or its sidecar model.pt.json).")]
    public string Checkpoint { get; set; } = "";

    [CommandOption("--dataset <NAME>")]
    [Description(CheckpointDatasetDescription)]
    public string? Dataset { get; set; }

    [CommandOption("--guard <FILE>")]
    [Description("A FIRE guard for this model (from `fire guard fit` or `fire defend`): its figures beside the model's own.")]
    public string? Guard { get; set; }
}

/// <summary><c>fire eval</c>: accuracy of a checkpoint on its data set's test split.</summary>
public sealed class EvalCommand(IAnsiConsole console) : Command<EvalSettings>
{
    public override int Execute(CommandContext context, EvalSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        var (net, info) = Fire.Training.Checkpoint.Load(settings.Checkpoint);
        using var owned = net;
        var split = settings.LoadCheckpointData(console, info, settings.Checkpoint, settings.Dataset);
        console.MarkupLineInterpolated($"Evaluating [bold]{info.Architecture}[/] from {settings.Checkpoint} on {split.Test.Name} ({split.Test.Count:N0} images).");

        var clock = Stopwatch.StartNew();
        var table = new Table().Border(TableBorder.Rounded).AddColumns("metric", "value");
        foreach (var (metric, value) in Evaluate(net, info, split, settings.Checkpoint)) table.AddRow(Markup.Escape(metric), Markup.Escape(value));
        table.AddRow("time", $"{clock.Elapsed.TotalSeconds:F1} s");
        console.Write(table);
        if (settings.Guard is not null) console.Write(WithGuard(net, info, split, settings.Checkpoint, settings.Guard));
        return 0;
    }

    /// <summary>The model's figures with and without a saved guard, measured alike on the whole test split.</summary>
    private static Table WithGuard(LayeredNet net, CheckpointInfo info, DataSplit split, string checkpointPath, string guardPath)
    {
        using var model = new TorchLayeredModel(net);
        using var guard = FireGuard.Load(guardPath, model);
        var predictors = new Func<FloatBatch, int[]>[] { images => ModelPredictions.Predict(model, images), images => guard.Predict(images).Labels };
        var table = new Table().Border(TableBorder.Rounded).AddColumns("metric", "model", $"with FIRE ({Markup.Escape(guard.Plan.ToString())})");
        if (info.Attack is null)
        {
            var images = ImageBatches.From(split.Test);
            var accuracies = predictors.Select(predict => $"{BackdoorMetrics.Accuracy(predict(images), split.Test.Labels):P2}").ToArray();
            table.AddRow("clean test accuracy", accuracies[0], accuracies[1]);
            return table;
        }
        var attack = Fire.Attacks.BackdoorCheckpoint.LoadAttack(info, checkpointPath);
        var testSet = new BackdoorTestSet(split.Test, attack.Trigger, attack.Target);
        var metrics = predictors.Select(testSet.Measure).ToArray();
        table.AddRow("CA", $"{metrics[0].CleanAccuracy:P2}", $"{metrics[1].CleanAccuracy:P2}");
        table.AddRow("ASR", $"{metrics[0].AttackSuccessRate:P2}", $"{metrics[1].AttackSuccessRate:P2}");
        table.AddRow("PA", $"{metrics[0].PoisonedAccuracy:P2}", $"{metrics[1].PoisonedAccuracy:P2}");
        return table;
    }

    /// <summary>
    /// The figures reported for a checkpoint. Backdoored checkpoints (<c>info.Attack != null</c>) are where
    /// Fire.Attacks adds CA / ASR / PA, from the attack specification in the sidecar.
    /// </summary>
    public static IReadOnlyList<(string Metric, string Value)> Evaluate(LayeredNet net, CheckpointInfo info, DataSplit split, string checkpointPath)
    {
        if (info.Attack is null) return new[] { ("clean test accuracy", $"{Evaluator.Accuracy(net, split.Test):P2}") };
        var attack = Fire.Attacks.BackdoorCheckpoint.LoadAttack(info, checkpointPath);
        var metrics = Fire.Attacks.AttackMetrics.Measure(net, split.Test, attack.Trigger, attack.Target);
        return AttackCommands.AttackDescriptions.MetricRows(metrics).Prepend(("attack", $"{attack.Name}, all-to-one to class {attack.Target}")).ToArray();
    }
}
