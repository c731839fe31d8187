using System.ComponentModel;
using Fire.Attacks;
using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Evaluation.Benchmark;
using Fire.Evaluation.Repair;
using Fire.Evaluation.Runs;
using Fire.Engines.Torch;
using Fire.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.RepairCommands;

public sealed class DemoSettings : FireSettings
{
    [CommandOption("--dataset <NAME>")]
    [Description("Data set to backdoor (default: gtsrb).")]
    public string Dataset { get; set; } = "gtsrb";

    [CommandOption("--epochs <N>")]
    [Description("Training epochs of the backdoored model (default: 4).")]
    public int Epochs { get; set; } = 4;

    [CommandOption("--subset <N>")]
    [Description("Train on a seeded subset of N training images (default: 20000; 0 = all).")]
    public int Subset { get; set; } = 20000;

    [CommandOption("--runs <DIR>")]
    [Description("Model cache shared with `fire attack report`, `fire defend-report` and `fire bench`: the backdoored model is trained once (default: runs/models).")]
    public string Runs { get; set; } = ModelCache.DefaultFolder;

    [CommandOption("--out <DIR>")]
    [Description("Where the results, plots and the fitted guard go (default: runs/demo).")]
    public string Out { get; set; } = Path.Combine("runs", "demo");

    public DemoSettings() => TestLimit = 2000;

    public override ValidationResult Validate() =>
        Epochs < 1 ? ValidationResult.Error($"--epochs must be at least 1, got {Epochs}.")
        : Subset is < 0 or 1 ? ValidationResult.Error($"--subset must be 0 (all) or at least 2, got {Subset}.")
        : base.Validate();
}

/// <summary>
/// <c>fire demo</c>: the whole story on a small default. Trains (or reuses) a small CNN backdoored with BadNets,
/// shows the attack working, fits FIRE from a clean reference set and observed poisoned samples, shows the
/// recovery and the streaming curve, and writes the plots.
/// </summary>
public sealed class DemoCommand(IAnsiConsole console) : Command<DemoSettings>
{
    public override int Execute(CommandContext context, DemoSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        string dataset = Datasets.Locate(settings.Dataset, settings.Data).Name;
        var split = settings.LoadData(console, settings.Dataset);
        var recipe = new TrainRecipe(settings.Epochs, Augmentation: Datasets.DefaultAugmentation(dataset),
            MaxTrainSamples: settings.Subset == 0 ? null : settings.Subset);
        string output = Path.GetFullPath(settings.Out);

        console.Write(new Rule("[bold]1. A backdoored model[/]").LeftJustified());
        var runs = new ModelRuns(new ModelCache(settings.Runs), Datasets.Reference(settings.Dataset, settings.Data), ModelZoo.Default, split, recipe,
            new ConsoleRunObserver(console), cancellation);
        var attack = AttackCatalog.Create(BadNetsAttack.Kind, new AttackOptions { Shape = ImageShape.Of(split.Train) });
        if (!ModelCache.IsComplete(new ModelCache(settings.Runs).PathFor(ModelCache.Key(Datasets.Reference(settings.Dataset, settings.Data), ModelZoo.Default, attack.Spec, recipe))))
            console.MarkupLineInterpolated($"[grey]Training it now ({recipe.Epochs} epochs on {recipe.MaxTrainSamples?.ToString("N0") ?? "all"} images, 10% poisoned; most of the demo's time, once: the model is cached).[/]");
        using var attacked = runs.Attack(attack);
        var checkpoint = attacked.Checkpoint;
        using var model = new TorchLayeredModel(checkpoint.Net);
        console.MarkupLineInterpolated($"{ModelZoo.Default} on {dataset}, poisoned with BadNets ({AttackCatalog.Summary(BadNetsAttack.Kind)}): every triggered image should become class {checkpoint.Target} ([italic]{split.Train.ClassNames[checkpoint.Target]}[/]).");
        console.MarkupLineInterpolated($"Undefended on the whole test split ({split.Test.Count:N0} images): clean accuracy [bold]{attacked.Metrics.CleanAccuracy:P1}[/], attack success rate [bold red]{attacked.Metrics.AttackSuccessRate:P1}[/].");

        console.Write(new Rule("[bold]2. FIRE: estimate the trigger direction, repair latents at inference[/]").LeftJustified());
        console.MarkupLineInterpolated($"The defender holds {settings.Clean} clean training images and sees triggered ones arrive, one batch at a time; the test split is used only to measure{(settings.TestLimit is int limit ? $" (a seeded {limit:N0} of its images, from here on)" : "")}.");
        string guardPath = Path.Combine(output, "fire-guard" + Fire.Guard.GuardFiles.Extension);
        var result = FireExperiment.Run(model, split.Train, split.Test, checkpoint.Trigger, checkpoint.Target,
            settings.Experiment(FireExperimentSettings.DefaultStreamingPoints), new StatusLines(console), guardPath);

        console.Write(new Rule("[bold]3. Result[/]").LeftJustified());
        DefendCommand.Show(console, result);
        var before = result.Undefended;
        var after = result.Defended;
        console.MarkupLineInterpolated($"Attack success fell from [red]{before.AttackSuccessRate:P1}[/] to [green]{after.AttackSuccessRate:P1}[/]; triggered images are classified correctly {after.PoisonedAccuracy:P1} of the time (was {before.PoisonedAccuracy:P1}), clean accuracy {before.CleanAccuracy:P1} -> {after.CleanAccuracy:P1}.");
        foreach (string file in FireResultViews.Write(output, result, $"{dataset} {ModelZoo.Default} badnets"))
            console.MarkupLineInterpolated($"Wrote [bold]{file}[/]");
        console.MarkupLineInterpolated($"Wrote [bold]{guardPath}[/]: the fitted guard (directions, clean statistics, plan), for `fire guard predict --model {attacked.Path} --guard {guardPath}`.");
        console.MarkupLineInterpolated($"Next: [bold]fire defend --model {attacked.Path}[/] (options: --observed, --paired, --mode, --layers, --alpha, --directions).");
        return 0;
    }
}
