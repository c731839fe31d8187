using System.ComponentModel;
using System.Text.Json;
using Fire.Evaluation.Models;
using Fire.Evaluation.Repair;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.RepairCommands;

public sealed class FalseFlagsSettings : FireOptionSettings
{
    [CommandOption("--clean-model <CHECKPOINT>")]
    [Description("A clean checkpoint of the data set: the model the false flags are given to.")]
    public string? CleanModel { get; set; }

    [CommandOption("--backdoored <CHECKPOINT>")]
    [Description("Backdoored checkpoints of the same data set (from `fire attack train`): their triggers make the inert flags, and each gets true and mixed flags; repeat the option.")]
    public string[] Backdoored { get; set; } = [];

    [CommandOption("--flags <N>")]
    [Description("Flagged images per case (default: 100).")]
    public int Flags { get; set; } = 100;

    [CommandOption("--test <N>")]
    [Description("Seeded subset of the test split the figures are read on (default: 2000).")]
    public int Test { get; set; } = 2000;

    [CommandOption("--strip-pool <N>")]
    [Description("Clean training images (outside the reference) STRIP scores; its flags among them are its false positives (default: 2000).")]
    public int StripPool { get; set; } = 2000;

    [CommandOption("--one-class <CLASSES>")]
    [Description("Classes whose clean images are flagged in the one-class cases, comma-separated (default: 1).")]
    public string OneClass { get; set; } = "1";

    [CommandOption("--out <FILE>")]
    [Description("The cases as JSON (required).")]
    public string? Out { get; set; }

    public override ValidationResult Validate()
    {
        if (CleanModel is null || Backdoored.Length == 0) return ValidationResult.Error("Give --clean-model and at least one --backdoored checkpoint of the same data set.");
        if (Out is null) return ValidationResult.Error("--out is required: the JSON file of the cases.");
        if (Flags < 2 || Test < 1 || StripPool < 1) return ValidationResult.Error("--flags must be at least 2, --test and --strip-pool at least 1.");
        return base.Validate();
    }
}

/// <summary><c>fire false-flags</c>: the false-flag study of docs/fire-false-flags.md on one data set (<see cref="FalseFlagStudy"/>).</summary>
public sealed class FalseFlagsCommand(IAnsiConsole console) : Command<FalseFlagsSettings>
{
    public override int Execute(CommandContext context, FalseFlagsSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        string outPath = Path.GetFullPath(settings.Out!);
        OutputPaths.CheckFile(outPath, "--out", [settings.CleanModel!, .. settings.Backdoored], "false-flag study", path => File.ReadAllText(path).Contains("\"triggerOf\""), settings.Force);
        using var clean = settings.OpenModel(settings.CleanModel!);
        var opened = settings.Backdoored.Select(settings.OpenModel).ToList();
        try
        {
            var backdoors = opened.Select(m => m.Attack is { } attack
                ? new StudiedBackdoor(attack.Name, m.Model, attack.Trigger, attack.Spec.Target)
                : throw new ArgumentException($"--backdoored {m.Path} records no attack: give checkpoints written by `fire attack train`.")).ToList();
            var split = settings.LoadModelData(console, clean, null);
            var study = new FalseFlagStudySettings
            {
                Flags = settings.Flags, TestLimit = settings.Test, StripPool = settings.StripPool, CleanCount = settings.Clean, Seed = settings.Seed,
                OneClass = FireOptionSettings.List(settings.OneClass).Select(int.Parse).ToList(), Fire = settings.FireOptions(),
                CaptureLevel = settings.FireOptions().CaptureLevel,
            };
            var cases = FalseFlagStudy.Run(split, Path.GetFileNameWithoutExtension(settings.CleanModel!), clean.Model, backdoors, study,
                new Progress<string>(line => console.WriteLine(line)));
            AtomicFile.Write(outPath, stream => JsonSerializer.Serialize(stream, cases, FireJson.Options));
            console.MarkupLineInterpolated($"Wrote [bold]{outPath}[/] ({cases.Count} cases).");
            return 0;
        }
        finally
        {
            foreach (var m in opened) m.Dispose();
        }
    }
}
