using Fire.Attacks;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Evaluation.Plots;
using Fire.Evaluation.Runs;
using Fire.Guard;
using Fire.Training;

namespace Fire.Evaluation.Repair;

/// <summary>
/// The experiments behind docs/fire.md: FIRE against every attack of every section of <paramref name="Grid"/>, unpaired
/// (with the streaming curve for BadNets and Blended) and paired at k = 10 and 100, and unpaired with augmentation, each
/// beside a clean model of the same recipe. <paramref name="Unpaired"/> holds the evaluation settings the others vary.
/// </summary>
public sealed record FireReportRun(ExperimentGrid Grid, IReadOnlyList<string> Attacks, FireExperimentSettings Unpaired, bool AugmentationCheck,
    int? MaskEpochs, string MarkdownPath)
{
    private static readonly string[] CurveAttacks = [BadNetsAttack.Kind, BlendedAttack.Kind];

    /// <summary>The report's sections and the plots written beside it (paths relative to the markdown).</summary>
    public (IReadOnlyList<FireReport.Section> Sections, IReadOnlyList<string> Plots) Run(Func<string, DataSplit> loadData, IRunObserver observer,
        IProgress<string>? status = null, Action<string>? attackStarted = null, CancellationToken cancellation = default)
    {
        string plotFolder = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(MarkdownPath))!, Path.GetFileNameWithoutExtension(MarkdownPath));
        var sections = new List<FireReport.Section>();
        var plots = new List<string>();
        foreach (var section in Grid.Sections(loadData, observer, cancellation))
        {
            var split = section.Split;
            using var clean = section.Models.Clean(); // for the clean-model ASR and PA: a clean model of the same recipe on the triggered images
            var rows = new List<FireReport.Row>();
            foreach (string name in Attacks)
            {
                cancellation.ThrowIfCancellationRequested();
                attackStarted?.Invoke($"{section.Dataset} / {section.Architecture} / {name}");
                using var attacked = section.Models.Attack(AttackCatalog.CreateForRun(name, ImageShape.Of(split.Train), Grid.Seed, section.Dataset,
                    section.Recipe.Epochs, MaskEpochs));
                var checkpoint = attacked.Checkpoint;
                using var layered = new TorchLayeredModel(checkpoint.Net);
                var variants = Variants(name).ToDictionary(v => v.Name, v =>
                {
                    status?.Report(v.Name);
                    return FireExperiment.Run(layered, split.Train, split.Test, checkpoint.Trigger, checkpoint.Target, v.Settings, status);
                });
                rows.Add(new FireReport.Row(name, variants, AttackMetrics.Measure(clean.Net, split.Test, checkpoint.Trigger, checkpoint.Target)));
                if (CurveAttacks.Contains(name))
                    plots.AddRange(Plot(plotFolder, $"{section.Dataset}-{section.Architecture}-{name}", variants[FireReport.Unpaired]));
            }
            sections.Add(new FireReport.Section(section.Dataset, section.Architecture, section.Recipe.Describe(split.Train.Count), rows));
        }
        return (sections, plots);
    }

    /// <summary>Unpaired (with the streaming curve and latency for BadNets and Blended, latency for all), paired, and unpaired with augmentation.</summary>
    private IEnumerable<(string Name, FireExperimentSettings Settings)> Variants(string attack)
    {
        var reported = FireReport.ReportedK;
        var unpaired = Unpaired with
        {
            Observed = 100, Paired = false,
            StreamingPoints = CurveAttacks.Contains(attack) ? FireExperimentSettings.DefaultStreamingPoints : reported,
        };
        yield return (FireReport.Unpaired, unpaired);
        yield return (FireReport.Paired, unpaired with { Paired = true, StreamingPoints = reported, MeasureLatency = false });
        if (AugmentationCheck)
            yield return (FireReport.Augmented, unpaired with
            {
                StreamingPoints = reported, MeasureLatency = false,
                Fire = unpaired.Fire with { Augmentation = ImageAugmentation.Standard },
            });
    }

    /// <summary>The streaming curve and latent plot of one run; returns their paths relative to the markdown.</summary>
    private IEnumerable<string> Plot(string folder, string stem, FireExperimentResult result)
    {
        string markdownFolder = Path.GetDirectoryName(Path.GetFullPath(MarkdownPath))!;
        string curve = Path.Combine(folder, $"{stem}-streaming.png");
        FirePlots.StreamingCurve(curve, result.Streaming, result.Undefended, $"{stem}: FIRE while poisoned samples arrive (unpaired)");
        yield return Path.GetRelativePath(markdownFolder, curve);
        if (result.Projection is not { } projection) yield break;
        string latents = Path.Combine(folder, $"{stem}-latents.png");
        FirePlots.Latents(latents, projection, $"{stem}: latents at {projection.Layer} ({projection.Repair})");
        yield return Path.GetRelativePath(markdownFolder, latents);
    }
}
