using System.ComponentModel;
using Fire.Attacks;
using Fire.Attacks.Specs;
using Fire.Cli.Commands.AttackCommands;
using Fire.Evaluation.Models;
using Fire.Evaluation.Repair;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.RepairCommands;

public sealed class DefendSettings : FireSettings, IClaimsOptions
{
    [CommandOption("--model <MODEL>")]
    [Description("The backdoored model: a checkpoint written by `fire attack` (model.pt or its sidecar), or an .onnx file (with --dataset, --attack and --target; --mean/--std as its graph needs).")]
    public string? Model { get; set; }

    [CommandOption("--dataset <NAME>")]
    [Description("Data set of the defender's clean reference and of the figures: required for an .onnx model (images resized to its input); for a checkpoint, instead of the one it records (a name or a path, with the model's classes).")]
    public string? Dataset { get; set; }

    [CommandOption("--attack <NAME>")]
    [Description("For an .onnx model: the attack whose trigger makes the flagged images and the triggered test images, with its own options (e.g. --blend-image p.png --trigger-alpha 0.2; any attack option may be written --trigger-<name>, and Blended's --alpha must be, since --alpha is FIRE's). Every attack but iad (its trigger is a trained network).")]
    public string? Attack { get; set; }

    [CommandOption("--target <CLASS>")]
    [Description("For an .onnx model: the backdoor's target class (default: 0).")]
    public int? Target { get; set; }

    [CommandOption("--no-streaming")]
    [Description("Skip the streaming curve (k = 1, 2, 5, 10, 20, 50, 100, 200).")]
    public bool NoStreaming { get; set; }

    [CommandOption("--out <DIR>")]
    [Description("Folder for results.json, streaming.png, latents.png and the fitted guard fire-guard.fire (default: runs/defend-<model file name>).")]
    public string? Out { get; set; }

    /// <summary>The attack's own options, in command-line order.</summary>
    public IReadOnlyList<(string Option, string? Text)> AttackArguments { get; private set; } = [];

    public IReadOnlyList<string> Claim(ILookup<string, string?> remaining)
    {
        AttackArguments = CommandLineAttacks.Claim(remaining, out var unknown);
        return unknown;
    }

    public override ValidationResult Validate()
    {
        if (Model is null) return ValidationResult.Error("--model is required: a backdoored checkpoint from `fire attack`, or an .onnx model with --attack.");
        if (Target is < 0) return ValidationResult.Error($"--target must be a class number (0 or more), got {Target}.");
        return base.Validate();
    }

    /// <summary>The model's attack: the one its checkpoint records, or for an ONNX model the one --attack and its options describe.</summary>
    public BackdoorAttack AttackFor(OpenedModel model) => CommandLineAttacks.ForModel(model, Attack, Target, AttackArguments);
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
        using var model = settings.OpenModel(settings.Model!);
        var attack = settings.AttackFor(model);
        var experiment = settings.Experiment(settings.NoStreaming ? [] : FireExperimentSettings.DefaultStreamingPoints) with { ModelInput = model.GuardInput };
        var split = settings.LoadModelData(console, model, settings.Dataset);
        string name = Path.GetFileNameWithoutExtension(model.IsOnnx ? model.Path : Fire.Training.Checkpoint.WeightsPath(model.Path));
        string folder = Path.GetFullPath(settings.Out ?? Path.Combine("runs", $"defend-{name}"));
        string[] inputs = model.IsOnnx ? [Path.GetFullPath(model.Path)] : Fire.Training.Checkpoint.Files(model.Path);
        OutputPaths.CheckFolder(folder, "--out", inputs, force: true); // its own report files are replaced
        console.MarkupLineInterpolated($"FIRE on [bold]{model.Description}[/] backdoored with [bold]{attack.Name}[/] (target {model.ClassName(attack.Target)}), {split.Name}.");

        string guardPath = Path.Combine(folder, "fire-guard" + Fire.Guard.GuardFiles.Extension);
        var result = FireExperiment.Run(model.Model, split.Train, split.Test, attack.Trigger, attack.Target, experiment, new StatusLines(console), guardPath);
        Show(console, result);
        foreach (string file in FireResultViews.Write(folder, result, $"{split.Name} {model.Description} {attack.Name}"))
            console.MarkupLineInterpolated($"Wrote [bold]{file}[/]");
        console.MarkupLineInterpolated($"Wrote [bold]{guardPath}[/] (the fitted guard: `fire guard predict --guard`).");
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
