using System.ComponentModel;
using System.Diagnostics;
using Fire.Data;
using Fire.Defenses.Baselines;
using Fire.Guard;
using Fire.Engines.Torch;
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
        var table = settings.Guard is null
            ? Table(["value"], Evaluate(net, info, split, settings.Checkpoint).Select(row => (row.Metric, new[] { row.Value })))
            : WithGuard(net, info, split, settings.Checkpoint, settings.Guard);
        table.AddRow("time", $"{clock.Elapsed.TotalSeconds:F1} s");
        console.Write(table);
        return 0;
    }

    private static Table Table(string[] columns, IEnumerable<(string Metric, string[] Values)> rows)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns(["metric", .. columns.Select(Markup.Escape)]);
        foreach (var (metric, values) in rows) table.AddRow([Markup.Escape(metric), .. values.Select(Markup.Escape)]);
        return table;
    }

    /// <summary>
    /// The model's figures with and without a saved guard, measured alike on the whole test split (each once: the
    /// model's own column is the table <c>fire eval</c> prints without a guard).
    /// </summary>
    private static Table WithGuard(LayeredNet net, CheckpointInfo info, DataSplit split, string checkpointPath, string guardPath)
    {
        using var model = new TorchLayeredModel(net);
        using var guard = FireGuard.Load(guardPath, model);
        var predictors = new Func<FloatBatch, int[]>[] { images => ModelPredictions.Predict(model, images), images => guard.Predict(images).Labels };
        return Table(["model", "with FIRE"], GuardedRows(info, split, checkpointPath, predictors)).Caption(Markup.Escape($"FIRE: {guard.Plan}"));
    }

    /// <summary>One row per figure, one value per predictor: clean accuracy, or for a backdoored checkpoint its attack's figures.</summary>
    private static List<(string Metric, string[] Values)> GuardedRows(CheckpointInfo info, DataSplit split, string checkpointPath, Func<FloatBatch, int[]>[] predictors)
    {
        var clean = ImageBatches.From(split.Test);
        if (info.Attack is null)
            return [("clean test accuracy", predictors.Select(predict => $"{Evaluator.Accuracy(predict(clean), split.Test.Labels):P2}").ToArray())];
        var attack = Fire.Attacks.BackdoorCheckpoint.LoadAttack(info, checkpointPath);
        var poisoned = Fire.Attacks.Poisoning.PoisonedSets.PoisonedTestSet(split.Test, attack.Trigger, attack.Target);
        var triggered = ImageBatches.From(poisoned);
        var figures = predictors
            .Select(predict => Fire.Attacks.AttackMetrics.Of(predict(clean), split.Test.Labels, predict(triggered), poisoned.Labels, attack.Target))
            .Select(metrics => AttackCommands.AttackDescriptions.MetricRows(metrics).ToArray())
            .ToArray();
        return figures[0].Select((row, i) => (row.Metric, figures.Select(column => column[i].Value).ToArray()))
            .Prepend(("attack", [$"{attack.Name}, all-to-one to class {attack.Target}", ""])).ToList();
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
