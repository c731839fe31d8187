using Fire.Attacks;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Evaluation.Plots;
using Fire.Evaluation.Runs;
using Fire.Training;

namespace Fire.Evaluation.Streams;

/// <summary>One backdoored model's stream results, with its plots (paths relative to the markdown).</summary>
public sealed record StreamReportModel(string Dataset, string Architecture, string Attack, string Recipe, StreamExperimentResult Result,
    IReadOnlyList<string> Plots);

/// <summary>
/// The experiments behind docs/autonomous.md: for every section of <paramref name="Grid"/> and every attack, the backdoored
/// model from the shared model cache (trained when missing), then <see cref="StreamExperiment"/> and one plot per share.
/// Each model's result is kept in <paramref name="ResultsFolder"/> under a key of the model and the settings, so a run
/// stopped midway, or one that adds attacks, recomputes only what is missing.
/// </summary>
public sealed record StreamReportRun(ExperimentGrid Grid, IReadOnlyList<string> Attacks, StreamSettings Settings, int? MaskEpochs, string MarkdownPath,
    string ResultsFolder)
{
    /// <summary>The folder every command keeps stream results in unless told otherwise.</summary>
    public static readonly string DefaultResultsFolder = Path.Combine("runs", "streams");

    public IReadOnlyList<StreamReportModel> Run(Func<string, DataSplit> loadData, IRunObserver observer, IProgress<string>? status = null,
        Action<string>? modelStarted = null, CancellationToken cancellation = default)
    {
        string markdownFolder = Path.GetDirectoryName(Path.GetFullPath(MarkdownPath))!;
        string plotFolder = Path.Combine(markdownFolder, Path.GetFileNameWithoutExtension(MarkdownPath));
        var models = new List<StreamReportModel>();
        foreach (var section in Grid.Sections(loadData, observer, cancellation))
        {
            var split = section.Split;
            foreach (string name in Attacks)
            {
                cancellation.ThrowIfCancellationRequested();
                modelStarted?.Invoke($"{section.Dataset} / {section.Architecture} / {name}");
                using var attacked = section.Models.Attack(AttackCatalog.CreateForRun(name, ImageShape.Of(split.Train), Grid.Seed, section.Dataset,
                    section.Recipe.Epochs, MaskEpochs));
                var checkpoint = attacked.Checkpoint;
                using var layered = new TorchLayeredModel(checkpoint.Net);
                var settings = Settings with { Seed = Grid.Seed };
                string resultPath = Path.Combine(Path.GetFullPath(ResultsFolder),
                    $"{Path.GetFileNameWithoutExtension(attacked.Path)}-streams-{ContentHash.Of(settings)}.json");
                var result = StreamResults.TryLoad(resultPath);
                if (result is not null) status?.Report($"reusing the stream results in {resultPath}");
                else
                {
                    result = StreamExperiment.Run(layered, split.Train, split.Test, checkpoint.Trigger, checkpoint.Target, settings, status);
                    StreamResults.Save(resultPath, result);
                }
                var plots = new List<string>();
                foreach (var group in result.Settings.GroupBy(s => s.Share))
                {
                    string path = Path.Combine(plotFolder, $"{section.Dataset}-{section.Architecture}-{name}-p{group.Key * 100:0.##}.png");
                    StreamPlots.AsrAndCa(path, $"{section.Dataset} / {section.Architecture} / {name}, p = {group.Key:P0} (mean of {Settings.Streams} streams)",
                        group.ToList(), result.UndefendedCleanAccuracy, Settings.Windows.AsrLimit);
                    plots.Add(Path.GetRelativePath(markdownFolder, path).Replace('\\', '/'));
                }
                models.Add(new StreamReportModel(section.Dataset, section.Architecture, name, section.Recipe.Describe(split.Train.Count), result, plots));
            }
        }
        return models;
    }
}
