using System.ComponentModel;
using System.Diagnostics;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands;

public sealed class TrainSettings : ComputeSettings
{
    [CommandOption("--dataset <NAME>")]
    [Description("Data set to train on (cifar10, gtsrb, mnist, fashion-mnist, or a folder). Required unless --resume.")]
    public string? Dataset { get; set; }

    [CommandOption("--model <ARCH>")]
    [Description("Architecture (default: small-cnn). `fire model layers <ARCH>` shows one.")]
    public string? Model { get; set; }

    [CommandOption("--epochs <N>")]
    [Description("Epochs to train. Required unless --resume (BackdoorBench: 100 on CIFAR-10, 50 on GTSRB; scale down on a CPU).")]
    public int? Epochs { get; set; }

    [CommandOption("--batch-size <N>")]
    [Description("Batch size (default: 128).")]
    public int? BatchSize { get; set; }

    [CommandOption("--lr <RATE>")]
    [Description("Initial SGD learning rate, annealed by a per-step cosine schedule (default: 0.01).")]
    public double? LearningRate { get; set; }

    [CommandOption("--momentum <M>")]
    [Description("SGD momentum (default: 0.9).")]
    public double? Momentum { get; set; }

    [CommandOption("--weight-decay <WD>")]
    [Description("SGD weight decay (default: 5e-4).")]
    public double? WeightDecay { get; set; }

    [CommandOption("--label-smoothing <EPS>")]
    [Description("Cross-entropy label smoothing in [[0, 1) (default: 0).")]
    public double? LabelSmoothing { get; set; }

    [CommandOption("--seed <N>")]
    [Description("Seed of initialisation, shuffling, augmentation, dropout and --subset (default: 0).")]
    public int? Seed { get; set; }

    [CommandOption("--subset <N>")]
    [Description("Train on a seeded random subset of N training images (a scaled-down CPU recipe).")]
    public int? Subset { get; set; }

    [CommandOption("--no-augment")]
    [Description("Train without the data set's default augmentation (random crop and flip).")]
    public bool NoAugment { get; set; }

    [CommandOption("--validate")]
    [Description("Also measure test accuracy after every epoch.")]
    public bool ValidateEachEpoch { get; set; }

    [CommandOption("--out <PATH>")]
    [Description("Checkpoint to write, updated after every epoch (default: runs/<dataset>-<model>.pt; with --resume, the resumed file).")]
    public string? Out { get; set; }

    [CommandOption("--resume <PATH>")]
    [Description("Continue the training saved in this checkpoint, with its recipe, up to its epoch count.")]
    public string? Resume { get; set; }

    public override ValidationResult Validate()
    {
        if (Resume is null)
        {
            if (Dataset is null) return ValidationResult.Error("--dataset is required (or --resume a checkpoint).");
            if (Epochs is null) return ValidationResult.Error("--epochs is required (or --resume a checkpoint).");
        }
        else
        {
            var recipeOptions = new (string Name, object? Value)[]
            {
                ("--dataset", Dataset), ("--model", Model), ("--epochs", Epochs), ("--batch-size", BatchSize), ("--lr", LearningRate),
                ("--momentum", Momentum), ("--weight-decay", WeightDecay), ("--label-smoothing", LabelSmoothing), ("--seed", Seed), ("--subset", Subset), ("--no-augment", NoAugment ? true : null),
            }.Where(o => o.Value is not null).Select(o => o.Name).ToList();
            if (recipeOptions.Count > 0)
                return ValidationResult.Error($"--resume continues the recipe stored in the checkpoint; leave out {string.Join(", ", recipeOptions)}.");
        }
        return base.Validate();
    }
}

/// <summary><c>fire train</c>: trains a classifier with live progress, checkpoints every epoch, evaluates on the test split.</summary>
public sealed class TrainCommand(IAnsiConsole console) : Command<TrainSettings>
{
    public override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        using var run = settings.Resume is null ? StartNew(settings) : TrainingRun.Resume(settings.Resume, dataset => settings.LoadData(console, dataset), settings.Out);
        OutputPaths.CheckFile(run.Output, "--out", [DataInputs.PathOf(run.Info.Dataset, settings.Data)], "Fire checkpoint", Checkpoint.IsCheckpoint, settings.Force);
        using var writing = FileLock.Acquire(run.Output, TimeSpan.Zero); // one training per checkpoint: a second one fails naming the first
        console.MarkupLineInterpolated($"Training [bold]{run.Net.Architecture}[/] ({run.Net.ParameterCount():N0} parameters) on [bold]{run.Info.Dataset}[/]: {run.Recipe.Describe(run.Split.Train.Count)}.");
        if (settings.Resume is not null) console.MarkupLineInterpolated($"Resuming after epoch {run.EpochsDone} of {run.Recipe.Epochs}.");

        TrainingOutcome outcome;
        try
        {
            outcome = TrainingProgressView.Run(console, (progress, _) =>
                run.Run(progress, epoch => console.MarkupLine(EpochLine(epoch)), settings.ValidateEachEpoch, cancellation));
        }
        catch (OperationCanceledException)
        {
            if (run.EpochsDone > 0)
                console.MarkupLineInterpolated($"[yellow]Interrupted.[/] {run.Output} holds epoch {run.EpochsDone}; continue with: fire train --resume {run.Output}");
            else
                console.MarkupLine("[yellow]Interrupted[/] before the first epoch ended; nothing was saved.");
            return 130;
        }

        var result = outcome.Result;
        var table = new Table().Border(TableBorder.Rounded).AddColumns("", "");
        table.ShowHeaders = false;
        table.AddRow("checkpoint", Markup.Escape(outcome.Checkpoint));
        table.AddRow("epochs", $"{outcome.EpochsDone} of {outcome.Epochs}{(result.Epochs.Count < outcome.EpochsDone ? $" ({result.Epochs.Count} in this run)" : "")}");
        if (result.Last is { } final)
        {
            table.AddRow("train loss / accuracy", $"{final.Loss:F4} / {final.Accuracy:P2}");
            table.AddRow("training time", $"{result.TotalDuration:hh\\:mm\\:ss} ({result.ImagesPerSecond:N0} img/s)");
        }
        table.AddRow("test accuracy", $"{outcome.TestAccuracy:P2} ({run.Split.Test.Count:N0} images, {outcome.TestTime.TotalSeconds:F1} s)");
        table.AddRow("peak memory", $"{Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024 * 1024):F2} GiB");
        table.AddRow("torch threads", $"{TorchSharp.torch.get_num_threads()}");
        console.Write(table);
        return 0;
    }

    private TrainingRun StartNew(TrainSettings settings)
    {
        string dataset = settings.Dataset!;
        var split = settings.LoadData(console, dataset);
        var defaults = new TrainRecipe(settings.Epochs!.Value);
        var recipe = defaults with
        {
            BatchSize = settings.BatchSize ?? defaults.BatchSize,
            LearningRate = settings.LearningRate ?? defaults.LearningRate,
            Momentum = settings.Momentum ?? defaults.Momentum,
            WeightDecay = settings.WeightDecay ?? defaults.WeightDecay,
            LabelSmoothing = settings.LabelSmoothing ?? defaults.LabelSmoothing,
            Seed = settings.Seed ?? defaults.Seed,
            Augmentation = settings.NoAugment ? Augmentation.None : Datasets.DefaultAugmentation(split.Name),
            MaxTrainSamples = settings.Subset,
        };
        string name = Datasets.Reference(dataset, settings.Data);
        string architecture = settings.Model ?? ModelZoo.Default;
        string output = settings.Out ?? Path.Combine("runs", $"{Path.GetFileName(name)}-{architecture}.pt");
        return TrainingRun.Start(name, split, architecture, recipe, output);
    }

    private static string EpochLine(EpochSummary e) =>
        $"epoch {e.Epoch}/{e.Epochs}  loss {e.Loss:F4}  accuracy {e.Accuracy:P2}" +
        (e.ValidationAccuracy is double v ? $"  test {v:P2}" : "") +
        $"  {e.ImagesPerSecond:N0} img/s  {e.Duration.TotalSeconds:F1} s";
}
