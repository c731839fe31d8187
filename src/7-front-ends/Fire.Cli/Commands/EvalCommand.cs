using System.ComponentModel;
using System.Diagnostics;
using Fire.Data;
using Fire.Evaluation.Models;
using Fire.Guard;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands;

public sealed class EvalSettings : ModelInputSettings
{
    [CommandArgument(0, "<model>")]
    [Description("Model to evaluate: a checkpoint (model.pt or its sidecar model.pt.json) or an .onnx file (with --dataset, and --mean/--std as its graph needs).")]
    public string Checkpoint { get; set; } = "";

    [CommandOption("--dataset <NAME>")]
    [Description("Data set to evaluate on: required for an .onnx model (images resized to its input); for a checkpoint, instead of the one it records (a name, or a path; it must have the model's image shape and classes).")]
    public string? Dataset { get; set; }

    [CommandOption("--guard <FILE>")]
    [Description("A FIRE guard for this model (from `fire guard fit` or `fire defend`): its figures beside the model's own.")]
    public string? Guard { get; set; }

    [CommandOption(EngineOption.Template)]
    [Description(EngineOption.Help)]
    public string? Engine { get; set; }

    public override ValidationResult Validate() => EngineOption.Validate(Engine) is { Successful: false } error ? error : base.Validate();

    public ModelInputOptions Input() => ModelInput() with { Engine = EngineOption.Parse(Engine) };
}

/// <summary><c>fire eval</c>: accuracy of a model on its data set's test split (CA / ASR / PA for a backdoored checkpoint).</summary>
public sealed class EvalCommand(IAnsiConsole console) : Command<EvalSettings>
{
    public override int Execute(CommandContext context, EvalSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        using var model = settings.Guard is null ? ModelFiles.Open(settings.Checkpoint, settings.Input()) : ModelFiles.OpenForGuard(settings.Checkpoint, settings.Guard, settings.Input());
        var split = settings.LoadModelData(console, model, settings.Dataset);
        console.MarkupLineInterpolated($"Evaluating [bold]{model.Description}[/] from {settings.Checkpoint} on {split.Test.Name} ({split.Test.Count:N0} images).");

        var clock = Stopwatch.StartNew();
        Table table;
        if (settings.Guard is null)
            table = Table(["value"], Rows(model, split, [images => ModelPredictions.Predict(model.Model, images)]));
        else
        {
            using var guard = FireGuard.Load(settings.Guard, model.Model);
            table = Table(["model", "with FIRE"], Rows(model, split, [images => ModelPredictions.Predict(model.Model, images), images => guard.Predict(images).Labels]))
                .Caption(Markup.Escape($"FIRE: {guard.Plan}"));
        }
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
    /// One row per figure, one value per predictor, measured alike on the whole test split: clean accuracy, or for a
    /// backdoored checkpoint its attack's figures.
    /// </summary>
    private static List<(string Metric, string[] Values)> Rows(OpenedModel model, DataSplit split, Func<FloatBatch, int[]>[] predictors)
    {
        var clean = ImageBatches.From(split.Test);
        if (model.Attack is not { } attack)
            return [("clean test accuracy", predictors.Select(predict => $"{Fire.Training.Evaluator.Accuracy(predict(clean), split.Test.Labels):P2}").ToArray())];
        var poisoned = Fire.Attacks.PoisonedSets.PoisonedTestSet(split.Test, attack.Trigger, attack.Target);
        var triggered = ImageBatches.From(poisoned);
        var figures = predictors
            .Select(predict => Fire.Attacks.AttackMetrics.Of(predict(clean), split.Test.Labels, predict(triggered), poisoned.Labels, attack.Target))
            .Select(metrics => AttackCommands.AttackDescriptions.MetricRows(metrics).ToArray())
            .ToArray();
        return figures[0].Select((row, i) => (row.Metric, figures.Select(column => column[i].Value).ToArray()))
            .Prepend(("attack", [$"{attack.Name}, all-to-one to class {attack.Target}", .. Enumerable.Repeat("", predictors.Length - 1)])).ToList();
    }
}
