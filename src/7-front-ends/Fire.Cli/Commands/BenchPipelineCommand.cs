using System.ComponentModel;
using System.Diagnostics;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands;

public sealed class BenchPipelineSettings : ComputeSettings
{
    [CommandOption("--dataset <NAME>")]
    [Description("Data set to train on (default: cifar10).")]
    public string Dataset { get; set; } = "cifar10";

    [CommandOption("--model <ARCH>")]
    [Description("Architecture (default: small-cnn).")]
    public string Model { get; set; } = ModelZoo.Default;

    [CommandOption("--batch-size <N>")]
    [Description("Batch size (default: 128).")]
    public int BatchSize { get; set; } = 128;

    [CommandOption("--steps <N>")]
    [Description("Timed SGD steps per source, split into two alternating rounds (default: 200).")]
    public int Steps { get; set; } = 200;

    public override ValidationResult Validate() =>
        Steps < 2 ? ValidationResult.Error($"--steps must be at least 2, got {Steps}.")
        : BatchSize < 2 ? ValidationResult.Error($"--batch-size must be at least 2, got {BatchSize}.")
        : base.Validate();
}

/// <summary><c>fire bench-pipeline</c>: training throughput through the data pipeline vs from tensors in memory.</summary>
public sealed class BenchPipelineCommand(IAnsiConsole console) : Command<BenchPipelineSettings>
{
    /// <summary>The pipeline must keep the model this busy.</summary>
    private const double RequiredRatio = 0.9;

    public override int Execute(CommandContext context, BenchPipelineSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        var clock = Stopwatch.StartNew();
        var split = settings.LoadData(console, settings.Dataset);
        var load = clock.Elapsed;
        var recipe = new TrainRecipe(1, settings.BatchSize, Augmentation: Datasets.DefaultAugmentation(split.Name));
        using var net = Trainer.CreateModel(settings.Model, split.Train, split.Normalization, recipe.Seed);
        console.MarkupLineInterpolated($"Timing {settings.Steps} training steps of {net.Architecture} on {split.Train.Name}, batch {settings.BatchSize}, each way...");
        var result = PipelineBenchmark.Run(net, split.Train, recipe, settings.Steps);

        var table = new Table().Border(TableBorder.Rounded).AddColumns("", "");
        table.ShowHeaders = false;
        table.AddRow("data pipeline (BatchLoader + augmentation)", $"{result.PipelineImagesPerSecond:N0} img/s");
        table.AddRow("tensors in memory", $"{result.InMemoryImagesPerSecond:N0} img/s");
        table.AddRow("pipeline / in memory", $"{(result.Ratio >= RequiredRatio ? "[green]" : "[red]")}{result.Ratio:P1}[/] (required {RequiredRatio:P0})");
        table.AddRow("data set load", $"{load.TotalSeconds:F1} s");
        table.AddRow("peak memory", $"{Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024 * 1024):F2} GiB");
        table.AddRow("torch threads / cores", $"{TorchSharp.torch.get_num_threads()} / {Environment.ProcessorCount}");
        console.Write(table);
        return 0;
    }
}
