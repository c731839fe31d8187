using System.ComponentModel;
using Fire.Cli.Commands.RepairCommands;
using Fire.Evaluation.Models;
using Fire.Guard;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.GuardCommands;

public sealed class GuardObserveSettings : SavedGuardSettings
{
    [CommandOption("--flagged <PATH>")]
    [Description("More images flagged as poisoned: image files, folders of them or archives; repeat the option for several.")]
    public string[] Flagged { get; set; } = [];

    [CommandOption("--reselect")]
    [Description("Run the automatic choice again now (default: only when the flagged count has doubled since the last choice; otherwise the directions are updated).")]
    public bool Reselect { get; set; }

    [CommandOption("--out <FILE>")]
    [Description("Where to write the updated guard (default: the --guard file, replaced atomically).")]
    public string? Out { get; set; }

    [CommandOption(EngineOption.Template)]
    [Description(EngineOption.Help)]
    public string? Engine { get; set; }

    public override ValidationResult Validate()
    {
        if (Flagged.Length == 0) return ValidationResult.Error("--flagged is required: the newly flagged images (files, folders or archives).");
        return EngineOption.Validate(Engine) is { Successful: false } error ? error : base.Validate();
    }
}

/// <summary>
/// <c>fire guard observe</c>: a saved guard learns from more flagged images (streaming: the running means go on exactly
/// where they stopped) and is saved again.
/// </summary>
public sealed class GuardObserveCommand(IAnsiConsole console) : Command<GuardObserveSettings>
{
    public override int Execute(CommandContext context, GuardObserveSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        string outPath = OutputPaths.CheckFile(settings.Out ?? settings.Guard!, "--out", [.. Fire.Training.Checkpoint.Files(settings.Model!), .. settings.Flagged], "FIRE guard", GuardFiles.Recognises, settings.Force);
        // One writer at a time: a second `guard observe` waits, then loads the guard this one saved, so no update is lost.
        using var writing = FileLock.Acquire(settings.Guard!, TimeSpan.FromMinutes(10), message => console.MarkupLineInterpolated($"[yellow]{message}[/]"));
        using var outLock = outPath == Path.GetFullPath(settings.Guard!) ? null : FileLock.Acquire(outPath, TimeSpan.FromMinutes(10));
        using var deployed = ModelFiles.OpenForGuard(settings.Model!, settings.Guard!, settings.ModelInput() with { Engine = EngineOption.Parse(settings.Engine) });
        using var guard = FireGuard.Load(settings.Guard!, deployed.Model);
        if (!guard.CanLearn)
            throw new InvalidDataException($"Guard '{settings.Guard}' was saved without its samples, so it can only predict. Fit it again with `fire guard fit` (which keeps them) to observe more flagged images.");
        var (_, flagged) = CheckpointImages.Load(console, deployed.InputShape, settings.Flagged, "Flagged");
        console.MarkupLineInterpolated($"Guard {settings.Guard}, k = {guard.ObservedCount}: [bold]{guard.Plan}[/]");
        guard.Observe(flagged);
        if (settings.Reselect) guard.Reselect();
        var plan = guard.Plan;
        if (plan.Selection?.ObservedCount == guard.ObservedCount) FireResultViews.Selection(console, plan.Selection);
        console.MarkupLineInterpolated($"k = {guard.ObservedCount}: [bold]{plan}[/]");
        guard.Save(outPath);
        console.MarkupLineInterpolated($"Wrote [bold]{outPath}[/].");
        return 0;
    }
}
