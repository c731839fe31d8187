using System.ComponentModel;
using Fire.Attacks;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.AttackCommands;

public sealed class AttackSettings : AttackParameterSettings
{
    [CommandOption("--dataset <NAME>")]
    [Description("Data set (cifar10, gtsrb, mnist, fashion-mnist, or a folder).")]
    public string? Dataset { get; set; }

    [CommandOption("--model <ARCH>")]
    [Description("Architecture (default: small-cnn).")]
    public string? Model { get; set; }

    [CommandOption("--attack <NAME>")]
    [Description("badnets, blended, wanet, sig, iad or adaptive-blend.")]
    public string? Attack { get; set; }

    [CommandOption("--epochs <N>")]
    [Description("Training epochs (BackdoorBench: 100 on CIFAR-10, 50 on GTSRB; scale down on a CPU).")]
    public int? Epochs { get; set; }

    [CommandOption("--batch-size <N>")]
    [Description("Batch size (default: 128).")]
    public int? BatchSize { get; set; }

    [CommandOption("--lr <RATE>")]
    [Description("Initial SGD learning rate, cosine-annealed per step (default: 0.01).")]
    public double? LearningRate { get; set; }

    [CommandOption("--subset <N>")]
    [Description("Train on a seeded random subset of N training images; the poisoning rate counts within it.")]
    public int? Subset { get; set; }

    [CommandOption("--no-augment")]
    [Description("Train without the data set's default augmentation.")]
    public bool NoAugment { get; set; }

    [CommandOption("--validate")]
    [Description("Also measure clean test accuracy after every epoch.")]
    public bool ValidateEachEpoch { get; set; }

    [CommandOption("--out <PATH>")]
    [Description("Checkpoint to write (default: runs/<dataset>-<model>-<attack>.pt); IAD also writes <PATH>.iad. The training saves itself in <PATH>.training after every epoch: the same command continues an interrupted run.")]
    public string? Out { get; set; }

    public override ValidationResult Validate()
    {
        if (Dataset is null) return ValidationResult.Error("--dataset is required.");
        if (Attack is null) return ValidationResult.Error($"--attack is required: one of {string.Join(", ", AttackCatalog.Names)}.");
        if (Epochs is null) return ValidationResult.Error("--epochs is required.");
        return base.Validate();
    }

    /// <summary>The training recipe these options describe (BackdoorBench's SGD settings unless changed).</summary>
    public TrainRecipe Recipe(string dataset)
    {
        var defaults = new TrainRecipe(Epochs!.Value);
        var recipe = defaults with
        {
            BatchSize = BatchSize ?? defaults.BatchSize,
            LearningRate = LearningRate ?? defaults.LearningRate,
            Seed = Seed ?? defaults.Seed,
            Augmentation = NoAugment ? Augmentation.None : Datasets.DefaultAugmentation(dataset),
            MaxTrainSamples = Subset,
        };
        recipe.Validate();
        return recipe;
    }
}

/// <summary><c>fire attack</c>: trains a backdoored model, reports CA / ASR / PA and saves it with its attack specification.</summary>
public sealed class AttackCommand(IAnsiConsole console) : Command<AttackSettings>
{
    public override int Execute(CommandContext context, AttackSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        string attackName = AttackCatalog.Canonical(settings.Attack!);
        string dataset = Datasets.Locate(settings.Dataset!, settings.Data).Name, reference = Datasets.Reference(settings.Dataset!, settings.Data);
        var split = settings.LoadData(console, settings.Dataset!);
        var attack = AttackCatalog.Create(attackName, settings.ToOptions(attackName, ImageShape.Of(split.Train)));
        var recipe = settings.Recipe(dataset);
        string model = settings.Model ?? ModelZoo.Default;
        string output = Path.GetFullPath(settings.Out ?? Path.Combine("runs", $"{dataset}-{model}-{attackName}.pt"));
        OutputPaths.CheckFile(output, "--out", [DataInputs.PathOf(settings.Dataset!, settings.Data)], "Fire checkpoint", Checkpoint.IsCheckpoint, settings.Force);
        console.MarkupLineInterpolated($"Attack [bold]{attackName}[/] ({attack.Spec.ParameterSummary()}) on [bold]{dataset}[/] with [bold]{model}[/], target {attack.Target}, rate {attack.Spec.Rate}{(attack.Spec.CleanLabel ? ", clean-label" : "")}, seed {attack.Spec.Seed}.");
        console.MarkupLineInterpolated($"[grey]{recipe.Describe(split.Train.Count)}[/]");

        string state = TrainingState.PathBeside(output);
        if (File.Exists(state)) console.MarkupLineInterpolated($"Continuing the interrupted training saved in {state}.");
        BackdoorRun run;
        try
        {
            run = TrainingProgressView.Run(console, (progress, status) => BackdoorTraining.Run(reference, split, model, attack, recipe, output,
                new AttackTrainingHooks(progress, status, settings.ValidateEachEpoch ? split.Test : null, cancellation)));
        }
        catch (OperationCanceledException)
        {
            if (File.Exists(state))
                console.MarkupLineInterpolated($"[yellow]Interrupted.[/] The finished epochs are saved in {state}; run the same command again to continue.");
            else
                console.MarkupLine("[yellow]Interrupted[/] before the first epoch ended; nothing was saved.");
            return 130;
        }
        using var net = run.Net;
        console.Write(AttackDescriptions.ResultTable(attack, run));
        return 0;
    }
}
