using System.ComponentModel;
using System.Text.Json;
using Fire.Attacks;
using Fire.Attacks.Specs;
using Fire.Cli.Commands.AttackCommands;
using Fire.Data;
using Fire.Guard;
using Fire.Evaluation.Benchmark;
using Fire.Evaluation.Runs;
using Fire.Evaluation.Plots;
using Fire.Evaluation.Repair;
using Fire.Engines.Torch;
using Fire.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.RepairCommands;

public sealed class DefendReportSettings : FireSettings
{
    [CommandOption("--datasets <LIST>")]
    [Description("Data sets, comma-separated (default: cifar10,gtsrb).")]
    public string Datasets { get; set; } = "cifar10,gtsrb";

    [CommandOption("--models <LIST>")]
    [Description("Architectures, comma-separated (default: small-cnn).")]
    public string Models { get; set; } = ModelZoo.Default;

    [CommandOption("--attacks <LIST>")]
    [Description("Attacks, comma-separated, or all (default: all).")]
    public string Attacks { get; set; } = "all";

    [CommandOption("--epochs <N>")]
    [Description("Training epochs of backdoored models that are not cached yet (the same recipe as `fire attack report`, so its models are reused).")]
    public int? Epochs { get; set; }

    [CommandOption("--subset <N>")]
    [Description("Train on a seeded subset of N training images (as `fire attack report --subset`).")]
    public int? Subset { get; set; }

    [CommandOption("--mask-epochs <N>")]
    [Description("IAD's mask pre-training epochs (as `fire attack report --mask-epochs`).")]
    public int? MaskEpochs { get; set; }

    [CommandOption("--no-augmentation-check")]
    [Description("Skip the unpaired-with-augmentation variant.")]
    public bool NoAugmentationCheck { get; set; }

    [CommandOption("--runs <DIR>")]
    [Description("Model cache shared with `fire attack report` and `fire bench` (default: runs/models).")]
    public string Runs { get; set; } = ModelCache.DefaultFolder;

    [CommandOption("--out <PATH>")]
    [Description("Markdown to write (default: docs/fire.md); plots go to a folder named like it without .md.")]
    public string Out { get; set; } = Path.Combine("docs", "fire.md");

    public override ValidationResult Validate() =>
        Epochs is null ? ValidationResult.Error("--epochs is required (the recipe of models to train when they are not cached).") : base.Validate();

    public string CommandLine() => string.Join(' ', new[]
    {
        "fire defend-report", $"--datasets {Datasets}", $"--models {Models}", $"--attacks {Attacks}", $"--epochs {Epochs}",
        Subset is int s ? $"--subset {s}" : null, MaskEpochs is int m ? $"--mask-epochs {m}" : null, $"--seed {Seed}", $"--clean {Clean}",
        TestLimit is int t ? $"--test-limit {t}" : null, NoAugmentationCheck ? "--no-augmentation-check" : null,
    }.Concat(FireArguments()).Append($"--runs {Runs}").Append($"--out {Out}").Where(part => part is not null));
}

/// <summary>
/// <c>fire defend-report</c>: FIRE against every attack on every data set and architecture asked for, paired and
/// unpaired at k = 10 and 100 (and unpaired with augmentation), with latency; writes docs/fire.md, its plots and a JSON
/// of every result. Backdoored models come from the cache of <c>fire attack report</c> and are trained when missing.
/// </summary>
public sealed class DefendReportCommand(IAnsiConsole console) : Command<DefendReportSettings>
{
    public override int Execute(CommandContext context, DefendReportSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        OutputPaths.CheckFile(settings.Out, "--out", [settings.Runs], "markdown report", FileKinds.IsText, settings.Force);
        var attacks = settings.Attacks.Equals("all", StringComparison.OrdinalIgnoreCase)
            ? AttackCatalog.Names
            : FireSettings.List(settings.Attacks).Select(AttackCatalog.Canonical).ToList();
        var grid = new ExperimentGrid(FireSettings.List(settings.Datasets), FireSettings.List(settings.Models), settings.Epochs!.Value, settings.Seed,
            settings.Subset, settings.Runs, settings.Data);
        var run = new FireReportRun(grid, attacks, settings.Experiment(FireExperimentSettings.DefaultStreamingPoints), !settings.NoAugmentationCheck,
            settings.MaskEpochs, settings.Out);
        var (sections, plots) = run.Run(dataset => settings.LoadData(console, dataset), new ConsoleRunObserver(console), new StatusLines(console),
            title => console.Write(new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified()), cancellation);

        string output = Path.GetFullPath(settings.Out);
        AtomicFile.WriteText(output, FireReport.Markdown(settings.CommandLine(), sections, plots));
        string json = Path.Combine(Path.GetFullPath(settings.Runs), "fire-report.json");
        AtomicFile.WriteText(json, JsonSerializer.Serialize(sections, FireResultViews.Json));
        console.MarkupLineInterpolated($"Wrote [bold]{output}[/], its plots beside it and every result in {json}.");
        return 0;
    }
}
