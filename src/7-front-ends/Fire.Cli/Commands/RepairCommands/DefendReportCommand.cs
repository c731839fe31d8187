using System.ComponentModel;
using System.Text.Json;
using Fire.Attacks;
using Fire.Attacks.Kinds;
using Fire.Attacks.Specs;
using Fire.Cli.Commands.AttackCommands;
using Fire.Data;
using Fire.Guard;
using Fire.Evaluation.Benchmark;
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
    private static readonly string[] CurveAttacks = [BadNetsAttack.Kind, BlendedAttack.Kind];

    public override int Execute(CommandContext context, DefendReportSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        var attackNames = settings.Attacks.Equals("all", StringComparison.OrdinalIgnoreCase)
            ? AttackCatalog.Names
            : FireSettings.List(settings.Attacks).Select(AttackCatalog.Canonical).ToList();
        string output = Path.GetFullPath(settings.Out);
        string plotFolder = Path.Combine(Path.GetDirectoryName(output)!, Path.GetFileNameWithoutExtension(output));
        var sections = new List<FireReport.Section>();
        var plots = new List<string>();
        foreach (string datasetArgument in FireSettings.List(settings.Datasets))
        {
            string dataset = Datasets.Locate(datasetArgument, settings.Data).Name;
            var split = settings.LoadData(console, datasetArgument);
            var recipe = new TrainRecipe(settings.Epochs!.Value, Seed: settings.Seed, Augmentation: Datasets.DefaultAugmentation(dataset),
                MaxTrainSamples: settings.Subset);
            recipe.Validate();
            foreach (string model in FireSettings.List(settings.Models))
            {
                var runs = new ReportRuns(console, new ModelCache(settings.Runs), Datasets.Reference(datasetArgument, settings.Data), model, split, recipe, cancellation);
                using var clean = runs.Clean(); // for the clean-model ASR and PA: a clean model of the same recipe on the triggered images
                var rows = new List<FireReport.Row>();
                foreach (string name in attackNames)
                {
                    cancellation.ThrowIfCancellationRequested();
                    console.Write(new Rule($"[bold]{dataset} / {model} / {name}[/]").LeftJustified());
                    using var attacked = runs.Attack(AttackCatalog.CreateForRun(name, ImageShape.Of(split.Train), settings.Seed, dataset, recipe.Epochs, settings.MaskEpochs));
                    var checkpoint = attacked.Checkpoint;
                    using var layered = new TorchLayeredModel(checkpoint.Net);
                    var variants = Variants(settings, name).ToDictionary(v => v.Name, v =>
                    {
                        console.MarkupLineInterpolated($"[bold]{v.Name}[/]");
                        return FireExperiment.Run(layered, split.Train, split.Test, checkpoint.Trigger, checkpoint.Target, v.Settings,
                            new FireResultViews.StatusLines(console));
                    });
                    rows.Add(new FireReport.Row(name, variants, AttackMetrics.Measure(clean.Net, split.Test, checkpoint.Trigger, checkpoint.Target)));
                    if (CurveAttacks.Contains(name)) plots.AddRange(Plot(plotFolder, output, $"{dataset}-{model}-{name}", variants[FireReport.Unpaired]));
                }
                sections.Add(new FireReport.Section(dataset, model, AttackDescriptions.Recipe(recipe, split.Train.Count), rows));
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        File.WriteAllText(output, FireReport.Markdown(settings.CommandLine(), sections, plots));
        string json = Path.Combine(Path.GetFullPath(settings.Runs), "fire-report.json");
        File.WriteAllText(json, JsonSerializer.Serialize(sections, FireResultViews.Json));
        console.MarkupLineInterpolated($"Wrote [bold]{output}[/], its plots under {plotFolder} and every result in {json}.");
        return 0;
    }

    /// <summary>Unpaired (with the streaming curve and latency for BadNets and Blended, latency for all), paired, and unpaired with augmentation.</summary>
    private static IEnumerable<(string Name, FireExperimentSettings Settings)> Variants(DefendReportSettings settings, string attack)
    {
        var reported = FireReport.ReportedK;
        var unpaired = settings.Experiment(CurveAttacks.Contains(attack) ? FireExperimentSettings.DefaultStreamingPoints : reported) with { Observed = 100, Paired = false };
        yield return (FireReport.Unpaired, unpaired);
        yield return (FireReport.Paired, unpaired with { Paired = true, StreamingPoints = reported, MeasureLatency = false });
        if (!settings.NoAugmentationCheck)
            yield return (FireReport.Augmented, unpaired with
            {
                StreamingPoints = reported, MeasureLatency = false,
                Fire = unpaired.Fire with { Augmentation = ImageAugmentation.Standard },
            });
    }

    /// <summary>The streaming curve and latent plot of one run; returns their paths relative to the markdown.</summary>
    private static IEnumerable<string> Plot(string folder, string markdown, string stem, FireExperimentResult result)
    {
        string curve = Path.Combine(folder, $"{stem}-streaming.png");
        FirePlots.StreamingCurve(curve, result.Streaming, result.Undefended, $"{stem}: FIRE while poisoned samples arrive (unpaired)");
        yield return Path.GetRelativePath(Path.GetDirectoryName(markdown)!, curve);
        if (result.Projection is not { } projection) yield break;
        string latents = Path.Combine(folder, $"{stem}-latents.png");
        FirePlots.Latents(latents, projection, $"{stem}: latents at {projection.Layer} ({projection.Repair})");
        yield return Path.GetRelativePath(Path.GetDirectoryName(markdown)!, latents);
    }
}
