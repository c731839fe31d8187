using System.ComponentModel;
using Fire.Cli.Commands.RepairCommands;
using Fire.Guard;
using Fire.Evaluation.Models;
using Fire.Evaluation.Repair;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.GuardCommands;

public sealed class GuardFitSettings : FireOptionSettings
{
    [CommandOption("--model <MODEL>")]
    [Description("The deployed classifier: any checkpoint from `fire train` or `fire attack` (model.pt or its sidecar), or an .onnx file (with --dataset, and --mean/--std/--classes as it needs; the guard records them).")]
    public string? Model { get; set; }

    [CommandOption("--flagged <PATH>")]
    [Description("Images flagged as poisoned: image files, folders of them (any depth) or archives; repeat the option for several.")]
    public string[] Flagged { get; set; } = [];

    [CommandOption("--dataset <NAME>")]
    [Description("Data set the clean reference comes from (required for an .onnx model; for a checkpoint, instead of the one it records): a name or a path, with the model's classes; images are resized to the model's input.")]
    public string? Dataset { get; set; }

    [CommandOption("--out <FILE>")]
    [Description("The fitted guard (default: runs/guard-<model file name>.json); `fire guard predict --guard` reads it.")]
    public string? Out { get; set; }

    [CommandOption(EngineOption.Template)]
    [Description(EngineOption.Help)]
    public string? Engine { get; set; }

    public override ValidationResult Validate()
    {
        if (Model is null) return ValidationResult.Error("--model is required: the model to guard (a checkpoint or an .onnx file).");
        if (Flagged.Length == 0) return ValidationResult.Error("--flagged is required: the images flagged as poisoned (files, folders or archives).");
        return EngineOption.Validate(Engine) is { Successful: false } error ? error : base.Validate();
    }
}

/// <summary>
/// <c>fire guard fit</c>: FIRE for a user's own model and flagged images (unpaired): the clean reference is drawn from
/// the training split of the model's data set, the automatic choice runs on the flagged images, and the guard is saved
/// with its samples so that it can be loaded to predict or to keep learning.
/// </summary>
public sealed class GuardFitCommand(IAnsiConsole console) : Command<GuardFitSettings>
{
    public override int Execute(CommandContext context, GuardFitSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        using var deployed = ModelFiles.Open(settings.Model!, settings.ModelInput() with { Engine = EngineOption.Parse(settings.Engine) });
        string outPath = Path.GetFullPath(settings.Out ?? Path.Combine("runs", $"guard-{Path.GetFileNameWithoutExtension(Fire.Training.Checkpoint.WeightsPath(settings.Model!))}{Fire.Guard.GuardFiles.Extension}"));
        OutputPaths.CheckFile(outPath, "--out", [.. Fire.Training.Checkpoint.Files(settings.Model!), .. settings.Flagged], "FIRE guard", GuardFiles.Recognises, settings.Force);
        // Checks layers and options before loading data; an ONNX model's normalisation and class names go into the guard file.
        using var guard = new FireGuard(deployed.Model, settings.FireOptions()) { ModelInput = deployed.GuardInput };
        var (_, flagged) = CheckpointImages.Load(console, deployed.InputShape, settings.Flagged, "Flagged");
        var split = settings.LoadModelData(console, deployed, settings.Dataset);
        var (clean, labels) = DefenderSamples.DrawClean(split.Train, settings.Clean, settings.Seed);
        console.MarkupLineInterpolated($"FIRE for [bold]{deployed.Description}[/] from {settings.Model}: clean reference {clean.Count:N0} training images of {split.Name} (seed {settings.Seed}), {flagged.Count:N0} flagged images.");

        guard.FitClean(clean, labels);
        var before = guard.Predict(flagged).Labels;
        guard.Observe(flagged);
        var plan = guard.Plan;
        ShowTarget(deployed, plan.EstimatedTarget, before, labels);
        FireResultViews.Selection(console, plan.Selection);
        console.MarkupLineInterpolated($"Plan: [bold]{plan}[/]");
        ShowRepair(deployed, plan, before, guard.Predict(flagged).Labels, guard.Options.MaxTargetClassDropRatio);
        guard.Save(outPath);
        console.MarkupLineInterpolated($"Wrote [bold]{outPath}[/]: `fire guard predict --model {settings.Model} --guard {outPath} <images>`.");
        return 0;
    }

    /// <summary>What the repair does to the flagged images (in-sample) and, beside its held-out rate, to the clean target images.</summary>
    private void ShowRepair(OpenedModel deployed, RepairPlan plan, int[] before, int[] after, double maxDropRatio)
    {
        if (plan.IsEmpty) return;
        int target = plan.EstimatedTarget;
        int onTarget = before.Count(l => l == target), left = before.Zip(after).Count(p => p.First == target && p.Second != target);
        console.MarkupLineInterpolated($"With the repair, {left} of the {onTarget} flagged images predicted as the target leave it (in-sample: the repair was fitted on them).");
        if (plan.Selection?.ChosenRepairs is [.., { TargetClassDrop: double targetDrop, HeldOutRepairRate: double rate }])
            console.MarkupLineInterpolated($"[grey]It moves {targetDrop:P1} of the clean reference's images of {deployed.ClassName(target)} off that class, and {rate:P1} of the flagged images (held out). A repair is kept only where the first is at most {maxDropRatio:0.##} of the second: flags with no backdoor behind them move both alike (docs/fire-false-flags.md).[/]");
    }

    /// <summary>How concentrated the flagged images' predictions are: a backdoor sends them to one class; clean images would follow the class shares.</summary>
    private void ShowTarget(OpenedModel deployed, int target, int[] predictions, int[] cleanLabels)
    {
        int hits = predictions.Count(l => l == target);
        double cleanShare = cleanLabels.Count(l => l == target) / (double)cleanLabels.Length;
        console.MarkupLineInterpolated($"The model predicts {deployed.ClassName(target)} for {hits} of the {predictions.Length} flagged images ({hits / (double)predictions.Length:P1}; that class is {cleanShare:P1} of the clean reference): the estimated target.");
    }
}
