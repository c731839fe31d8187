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
        var run = settings.Resume is null ? StartNew(settings) : Continue(settings);
        using var net = run.Net;
        string output = Path.GetFullPath(settings.Out ?? settings.Resume ?? Path.Combine("runs", $"{Path.GetFileName(run.DatasetName)}-{run.Net.Architecture}.pt"));
        OutputPaths.CheckFile(output, "--out", [DataInputs.PathOf(run.Info.Dataset, settings.Data)], "Fire checkpoint", Checkpoint.IsCheckpoint, settings.Force);
        using var writing = FileLock.Acquire(output, TimeSpan.Zero); // one training per checkpoint: a second one fails naming the first
        console.MarkupLineInterpolated($"Training [bold]{run.Net.Architecture}[/] ({run.Net.ParameterCount():N0} parameters) on [bold]{run.DatasetName}[/]: {Describe(run.Info.Recipe!, run.Split.Train)}");

        Trainer trainer = null!;
        trainer = new Trainer(run.Net, run.Info.Recipe!)
        {
            Validation = settings.ValidateEachEpoch ? run.Split.Test : null,
            EpochCompleted = epoch =>
            {
                Checkpoint.Save(run.Net, run.Info with { Metrics = EpochMetrics(epoch) }, output, trainer);
                console.MarkupLine(EpochLine(epoch));
            },
        };
        using var owned = trainer;
        if (settings.Resume is not null)
        {
            trainer.ContinueFrom(run.Info, settings.Resume);
            console.MarkupLineInterpolated($"Resuming after epoch {trainer.EpochsDone} of {trainer.Recipe.Epochs}.");
        }

        TrainResult result;
        try
        {
            result = TrainingProgressView.Run(console, trainer, run.Split.Train, cancellation);
        }
        catch (OperationCanceledException)
        {
            if (trainer.EpochsDone > 0)
                console.MarkupLineInterpolated($"[yellow]Interrupted.[/] {output} holds epoch {trainer.EpochsDone}; continue with: fire train --resume {output}");
            else
                console.MarkupLine("[yellow]Interrupted[/] before the first epoch ended; nothing was saved.");
            return 130;
        }

        var clock = Stopwatch.StartNew();
        double testAccuracy = Evaluator.Accuracy(run.Net, run.Split.Test);
        var metrics = result.Last is { } last ? EpochMetrics(last) : new Dictionary<string, double>(run.Info.Metrics);
        metrics["test_accuracy"] = testAccuracy;
        if (result.Epochs.Count > 0) metrics["train_images_per_second"] = result.ImagesPerSecond;
        Checkpoint.Save(run.Net, run.Info with { EpochsDone = trainer.EpochsDone, Metrics = metrics }, output);

        var table = new Table().Border(TableBorder.Rounded).AddColumns("", "");
        table.ShowHeaders = false;
        table.AddRow("checkpoint", Markup.Escape(output));
        table.AddRow("epochs", $"{trainer.EpochsDone} of {trainer.Recipe.Epochs}{(result.Epochs.Count < trainer.EpochsDone ? $" ({result.Epochs.Count} in this run)" : "")}");
        if (result.Last is { } final)
        {
            table.AddRow("train loss / accuracy", $"{final.Loss:F4} / {final.Accuracy:P2}");
            table.AddRow("training time", $"{result.TotalDuration:hh\\:mm\\:ss} ({result.ImagesPerSecond:N0} img/s)");
        }
        table.AddRow("test accuracy", $"{testAccuracy:P2} ({run.Split.Test.Count:N0} images, {clock.Elapsed.TotalSeconds:F1} s)");
        table.AddRow("peak memory", $"{Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024 * 1024):F2} GiB");
        table.AddRow("torch threads", $"{TorchSharp.torch.get_num_threads()}");
        console.Write(table);
        return 0;
    }

    private sealed record RunSetup(LayeredNet Net, CheckpointInfo Info, DataSplit Split, string DatasetName);

    private RunSetup StartNew(TrainSettings settings)
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
        recipe.Validate();
        string name = Datasets.Reference(dataset, settings.Data);
        var net = Trainer.CreateModel(settings.Model ?? ModelZoo.Default, split.Train, split.Normalization, recipe.Seed);
        return new RunSetup(net, CheckpointInfo.For(net, name, split.Train, split.Normalization, recipe), split, name);
    }

    private RunSetup Continue(TrainSettings settings)
    {
        var (net, info) = Checkpoint.Load(settings.Resume!);
        try
        {
            if (info.Recipe is null) throw new InvalidDataException($"Checkpoint '{settings.Resume}' records no training recipe to continue.");
            var split = settings.LoadData(console, info.Dataset);
            info.CheckData(split.Train, settings.Resume!);
            return new RunSetup(net, info, split, info.Dataset);
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    private static string Describe(TrainRecipe recipe, ImageDataset train)
    {
        int images = recipe.MaxTrainSamples is int max && max < train.Count ? max : train.Count;
        var augmentation = recipe.Augmentation is { } a && a != Augmentation.None
            ? $"crop padding {a.CropPadding}{(a.HorizontalFlip ? " + flip" : "")}"
            : "no augmentation";
        return $"{recipe.Epochs} epoch{(recipe.Epochs == 1 ? "" : "s")} over {images:N0} of {train.Count:N0} images, batch {recipe.BatchSize}, SGD lr {recipe.LearningRate} " +
               $"(cosine per step), momentum {recipe.Momentum}, weight decay {recipe.WeightDecay}{(recipe.LabelSmoothing > 0 ? $", label smoothing {recipe.LabelSmoothing}" : "")}, seed {recipe.Seed}, {augmentation}.";
    }

    private static Dictionary<string, double> EpochMetrics(EpochSummary epoch)
    {
        var metrics = new Dictionary<string, double> { ["train_loss"] = epoch.Loss, ["train_accuracy"] = epoch.Accuracy };
        if (epoch.ValidationAccuracy is double validation) metrics["validation_accuracy"] = validation;
        return metrics;
    }

    private static string EpochLine(EpochSummary e) =>
        $"epoch {e.Epoch}/{e.Epochs}  loss {e.Loss:F4}  accuracy {e.Accuracy:P2}" +
        (e.ValidationAccuracy is double v ? $"  test {v:P2}" : "") +
        $"  {e.ImagesPerSecond:N0} img/s  {e.Duration.TotalSeconds:F1} s";
}
