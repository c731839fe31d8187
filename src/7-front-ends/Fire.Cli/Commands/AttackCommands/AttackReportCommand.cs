using System.ComponentModel;
using Fire.Attacks;
using Fire.Data;
using Fire.Evaluation.Benchmark;
using Fire.Evaluation.Runs;
using Fire.Engines.Torch;
using Fire.Evaluation.Reports;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.AttackCommands;

public sealed class AttackReportSettings : ComputeSettings
{
    [CommandOption("--datasets <LIST>")]
    [Description("Comma-separated data sets (default: cifar10,gtsrb).")]
    public string Datasets { get; set; } = "cifar10,gtsrb";

    [CommandOption("--models <LIST>")]
    [Description("Comma-separated architectures (default: small-cnn).")]
    public string Models { get; set; } = ModelZoo.Default;

    [CommandOption("--attacks <LIST>")]
    [Description("Comma-separated attacks, or all (default).")]
    public string Attacks { get; set; } = "all";

    [CommandOption("--epochs <N>")]
    [Description("Training epochs of every model, clean and backdoored alike.")]
    public int? Epochs { get; set; }

    [CommandOption("--subset <N>")]
    [Description("Train on a seeded random subset of N training images (a scaled-down CPU recipe).")]
    public int? Subset { get; set; }

    [CommandOption("--seed <N>")]
    [Description("Seed of every run (default: 0).")]
    public int Seed { get; set; }

    [CommandOption("--mask-epochs <N>")]
    [Description("IAD mask pre-training epochs (default: BackdoorBench's 25, scaled like the epochs: 25 x epochs / 100 on CIFAR-10, / 50 elsewhere).")]
    public int? MaskEpochs { get; set; }

    [CommandOption("--runs <DIR>")]
    [Description("Model cache shared with `fire defend-report` and `fire bench`: a model is reused when its recipe and attack match (default: runs/models).")]
    public string Runs { get; set; } = ModelCache.DefaultFolder;

    [CommandOption("--out <PATH>")]
    [Description("Markdown report to write (default: docs/attacks.md).")]
    public string Out { get; set; } = Path.Combine("docs", "attacks.md");

    public override ValidationResult Validate() =>
        Epochs is null ? ValidationResult.Error("--epochs is required.")
        : MaskEpochs is < 0 ? ValidationResult.Error($"--mask-epochs must be 0 or more, got {MaskEpochs}.")
        : base.Validate();

    public IReadOnlyList<string> AttackNames => Attacks.Equals("all", StringComparison.OrdinalIgnoreCase)
        ? AttackCatalog.Names
        : List(Attacks).Select(AttackCatalog.Canonical).ToList();

    public static string[] List(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The command line that reproduces this report.</summary>
    public string CommandLine() => string.Join(' ', new[]
    {
        "fire attack report", $"--datasets {Datasets}", $"--models {Models}", $"--attacks {Attacks}", $"--epochs {Epochs}",
        Subset is int s ? $"--subset {s}" : null, $"--seed {Seed}", MaskEpochs is int m ? $"--mask-epochs {m}" : null,
        $"--out {Out}",
    }.Where(part => part is not null));
}

/// <summary>
/// <c>fire attack report</c>: trains a clean model and every attack with one recipe per data set and architecture,
/// and writes the markdown comparison with BackdoorBench. Trained models are kept under --runs and reused when their
/// recipe and attack specification match, so an interrupted report picks up where it stopped.
/// </summary>
public sealed class AttackReportCommand(IAnsiConsole console) : Command<AttackReportSettings>
{
    public override int Execute(CommandContext context, AttackReportSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        OutputPaths.CheckFile(settings.Out, "--out", [settings.Runs], "markdown report", FileKinds.IsText, settings.Force);
        var grid = new ExperimentGrid(AttackReportSettings.List(settings.Datasets), AttackReportSettings.List(settings.Models), settings.Epochs!.Value,
            settings.Seed, settings.Subset, settings.Runs, settings.Data);
        var sections = new AttackReportRun(grid, settings.AttackNames, settings.MaskEpochs).Run(dataset => settings.LoadData(console, dataset),
            new ConsoleRunObserver(console), new StatusLines(console), cancellation);
        string output = Path.GetFullPath(settings.Out);
        AtomicFile.WriteText(output, AttackReport.Markdown(settings.CommandLine(), settings.Runs, sections));
        console.MarkupLineInterpolated($"Wrote [bold]{output}[/].");
        return 0;
    }
}
