using System.ComponentModel;
using System.Globalization;
using Fire.Attacks;
using Fire.Evaluation.Benchmark;
using Fire.Evaluation.Runs;
using Fire.Evaluation.Streams;
using Fire.Engines.Torch;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.RepairCommands;

public sealed class StreamCommandSettings : FireOptionSettings
{
    private static readonly StreamSettings Defaults = new();

    [CommandOption("--datasets <LIST>")]
    [Description("Data sets, comma-separated (default: gtsrb).")]
    public string Datasets { get; set; } = "gtsrb";

    [CommandOption("--models <LIST>")]
    [Description("Architectures, comma-separated (default: small-cnn).")]
    public string Models { get; set; } = ModelZoo.Default;

    [CommandOption("--attacks <LIST>")]
    [Description("Attacks, comma-separated, or all (default: badnets,blended,wanet,iad).")]
    public string Attacks { get; set; } = "badnets,blended,wanet,iad";

    [CommandOption("--epochs <N>")]
    [Description("Training epochs of backdoored models that are not cached yet (the recipe of `fire attack report`, so its models are reused).")]
    public int? Epochs { get; set; }

    [CommandOption("--subset <N>")]
    [Description("Train on a seeded subset of N training images (as `fire attack report --subset`).")]
    public int? Subset { get; set; }

    [CommandOption("--mask-epochs <N>")]
    [Description("IAD's mask pre-training epochs (as `fire attack report --mask-epochs`).")]
    public int? MaskEpochs { get; set; }

    [CommandOption("--length <N>")]
    [Description("Inputs per stream: a seeded subset of the test split that every stream orders anew (default: 4000).")]
    public int Length { get; set; } = Defaults.Length;

    [CommandOption("--shares <LIST>")]
    [Description("Shares p of the non-target inputs that carry the trigger, comma-separated (default: 0.01,0.05,0.2).")]
    public string Shares { get; set; } = "0.01,0.05,0.2";

    [CommandOption("--sources <LIST>")]
    [Description("Flag sources, comma-separated: oracle, or DETECTOR@RATE with a detector of the InputDetectors catalog or latent (no flags) and its false-positive rate on the clean reference (default: oracle,strip@0.01,strip@0.05,latent@0.01,latent@0.05).")]
    public string Sources { get; set; } = string.Join(',', Defaults.Sources);

    [CommandOption("--streams <N>")]
    [Description("Seeded streams per (share, source) (default: 3).")]
    public int Streams { get; set; } = Defaults.Streams;

    [CommandOption("--chunk <N>")]
    [Description("Inputs answered together before their flags reach the guard (default: 100).")]
    public int Chunk { get; set; } = Defaults.ChunkSize;

    [CommandOption("--asr-window <N>")]
    [Description("Triggered inputs per run when judging whether ASR stayed under 5%, and of the rolling ASR (default: 40).")]
    public int AsrWindow { get; set; } = Defaults.Windows.Triggered;

    [CommandOption("--runs <DIR>")]
    [Description("Model cache shared with `fire attack report` and `fire bench` (default: runs/models).")]
    public string Runs { get; set; } = ModelCache.DefaultFolder;

    [CommandOption("--results <DIR>")]
    [Description("Where each model's stream results are kept and reused when the model and settings match (default: runs/streams).")]
    public string Results { get; set; } = StreamReportRun.DefaultResultsFolder;

    [CommandOption("--out <PATH>")]
    [Description("Markdown to write (default: docs/autonomous.md); plots go to a folder named like it without .md.")]
    public string Out { get; set; } = Path.Combine("docs", "autonomous.md");

    public override ValidationResult Validate() =>
        Epochs is null ? ValidationResult.Error("--epochs is required (the recipe of models to train when they are not cached).") : base.Validate();

    public StreamSettings StreamSettings() => new()
    {
        Length = Length,
        Shares = FireSettings.List(Shares).Select(ParseShare).ToList(),
        Sources = FireSettings.List(Sources),
        Streams = Streams,
        ChunkSize = Chunk,
        CleanCount = Clean,
        Windows = Defaults.Windows with { Triggered = AsrWindow },
        Seed = Seed,
        Fire = FireOptions(),
    };

    public string CommandLine() => string.Join(' ', new[]
    {
        "fire stream", $"--datasets {Datasets}", $"--models {Models}", $"--attacks {Attacks}", $"--epochs {Epochs}",
        Subset is int s ? $"--subset {s}" : null, MaskEpochs is int m ? $"--mask-epochs {m}" : null, $"--seed {Seed}", $"--clean {Clean}",
        $"--length {Length}", $"--shares {Shares}", $"--sources {Sources}", $"--streams {Streams}", $"--chunk {Chunk}", $"--asr-window {AsrWindow}",
    }.Concat(FireArguments()).Append("--threads 1").Append($"--runs {Runs}").Append($"--results {Results}").Append($"--out {Out}").Where(part => part is not null));

    private static double ParseShare(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double share) && share > 0 && share <= 1
            ? share
            : throw new ArgumentException($"--shares takes numbers in (0, 1], got '{text}'.");
}

/// <summary>
/// <c>fire stream</c>: FIRE without a human in the loop. Every backdoored model (from the model cache, trained when
/// missing) meets seeded streams of test inputs in which a share p carries the trigger; each flag source (the oracle,
/// detectors at a false-positive rate, the flag-free latent rule) feeds a fresh guard as the stream goes. Writes
/// docs/autonomous.md and its plots.
/// </summary>
public sealed class StreamCommand(IAnsiConsole console) : Command<StreamCommandSettings>
{
    public override int Execute(CommandContext context, StreamCommandSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        OutputPaths.CheckFile(settings.Out, "--out", [settings.Runs, settings.Results], "markdown report", FileKinds.IsText, settings.Force);
        var streamSettings = settings.StreamSettings();
        streamSettings.Validate();
        var attacks = settings.Attacks.Equals("all", StringComparison.OrdinalIgnoreCase)
            ? AttackCatalog.Names
            : FireSettings.List(settings.Attacks).Select(AttackCatalog.Canonical).ToList();
        var grid = new ExperimentGrid(FireSettings.List(settings.Datasets), FireSettings.List(settings.Models), settings.Epochs!.Value, settings.Seed,
            settings.Subset, settings.Runs, settings.Data);
        var run = new StreamReportRun(grid, attacks, streamSettings, settings.MaskEpochs, settings.Out, settings.Results);
        var models = run.Run(dataset => settings.LoadData(console, dataset), new ConsoleRunObserver(console), new StatusLines(console),
            title => console.Write(new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified()), cancellation);
        string output = Path.GetFullPath(settings.Out);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        string markdown = StreamReport.Markdown(settings.CommandLine(), streamSettings, models);
        AtomicFile.Write(output, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(markdown)));
        console.MarkupLineInterpolated($"Wrote [bold]{output}[/] and its plots beside it.");
        return 0;
    }

    /// <summary>Progress lines, printed as they come.</summary>
    private sealed class StatusLines(IAnsiConsole console) : IProgress<string>
    {
        public void Report(string value) => console.MarkupLineInterpolated($"  [grey]{value}[/]");
    }
}
