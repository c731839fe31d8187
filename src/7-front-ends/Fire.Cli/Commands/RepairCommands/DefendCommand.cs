using System.ComponentModel;
using Fire.Attacks;
using Fire.Evaluation.Repair;
using Fire.Engines.Torch;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.RepairCommands;

public sealed class DefendSettings : FireSettings
{
    [CommandOption("--model <CHECKPOINT>")]
    [Description("Backdoored checkpoint written by `fire attack` (model.pt or its sidecar).")]
    public string? Model { get; set; }

    [CommandOption("--dataset <NAME>")]
    [Description(CheckpointDatasetDescription)]
    public string? Dataset { get; set; }

    [CommandOption("--no-streaming")]
    [Description("Skip the streaming curve (k = 1, 2, 5, 10, 20, 50, 100, 200).")]
    public bool NoStreaming { get; set; }

    [CommandOption("--out <DIR>")]
    [Description("Folder for results.json, streaming.png, latents.png and the fitted guard fire-guard.fire (default: runs/defend-<checkpoint name>).")]
    public string? Out { get; set; }

    public override ValidationResult Validate() =>
        Model is null ? ValidationResult.Error("--model is required: a backdoored checkpoint from `fire attack`.") : base.Validate();
}

/// <summary>
/// <c>fire defend</c>: fits FIRE to a backdoored checkpoint as the evaluation setting says (defender's data from the
/// training split, figures from the test split), prints CA / ASR / PA before and after, and writes JSON and plots.
/// </summary>
public sealed class DefendCommand(IAnsiConsole console) : Command<DefendSettings>
{
    public override int Execute(CommandContext context, DefendSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        var experiment = settings.Experiment(settings.NoStreaming ? [] : FireExperimentSettings.DefaultStreamingPoints);
        using var checkpoint = BackdoorCheckpoint.Load(settings.Model!);
        var split = settings.LoadCheckpointData(console, checkpoint.Info, settings.Model!, settings.Dataset);
        string name = Path.GetFileNameWithoutExtension(Fire.Training.Checkpoint.WeightsPath(settings.Model!));
        string folder = Path.GetFullPath(settings.Out ?? Path.Combine("runs", $"defend-{name}"));
        OutputPaths.CheckFolder(folder, "--out", Fire.Training.Checkpoint.Files(settings.Model!), force: true); // its own report files are replaced
        console.MarkupLineInterpolated($"FIRE on [bold]{checkpoint.Info.Architecture}[/] backdoored with [bold]{checkpoint.Attack.Name}[/] (target {checkpoint.Target}), {split.Name}.");

        using var model = new TorchLayeredModel(checkpoint.Net);
        var result = FireExperiment.Run(model, split.Train, split.Test, checkpoint.Trigger, checkpoint.Target, experiment,
            new StatusLines(console), Path.Combine(folder, "fire-guard" + Fire.Guard.GuardFiles.Extension));
        Show(console, result);
        foreach (string file in FireResultViews.Write(folder, result, $"{split.Name} {checkpoint.Info.Architecture} {checkpoint.Attack.Name}"))
            console.MarkupLineInterpolated($"Wrote [bold]{file}[/]");
        console.MarkupLineInterpolated($"Wrote [bold]{Path.Combine(folder, "fire-guard" + Fire.Guard.GuardFiles.Extension)}[/] (the fitted guard: FireGuard.Load).");
        return 0;
    }

    public static void Show(IAnsiConsole console, FireExperimentResult result)
    {
        FireResultViews.Selection(console, result.Selection);
        console.Write(FireResultViews.Metrics(result));
        if (result.Streaming.Count > 0) console.Write(FireResultViews.Streaming(result));
        if (FireResultViews.Latency(result) is { } latency) console.Write(latency);
    }
}
