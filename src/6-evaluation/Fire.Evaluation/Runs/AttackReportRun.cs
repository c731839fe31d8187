using Fire.Attacks;
using Fire.Data;
using Fire.Evaluation.Reports;
using Fire.Training;

namespace Fire.Evaluation.Runs;

/// <summary>
/// The experiments behind docs/attacks.md: a clean model and every attack in <paramref name="Attacks"/> with one recipe
/// per section of <paramref name="Grid"/>, taken from the model cache or trained into it, each attack's poisoned test set
/// also measured on the clean model (what the trigger does without a backdoor).
/// </summary>
public sealed record AttackReportRun(ExperimentGrid Grid, IReadOnlyList<string> Attacks, int? MaskEpochs)
{
    /// <summary>The report's sections; <paramref name="progress"/> hears one line per section and per finished attack.</summary>
    public IReadOnlyList<AttackReport.Section> Run(Func<string, DataSplit> loadData, IRunObserver observer, IProgress<string>? progress = null,
        CancellationToken cancellation = default)
    {
        var sections = new List<AttackReport.Section>();
        foreach (var section in Grid.Sections(loadData, observer, cancellation))
        {
            var split = section.Split;
            progress?.Report($"{section.Dataset} / {section.Architecture}: {section.Recipe.Describe(split.Train.Count)}");
            using var clean = section.Models.Clean();
            var rows = new List<AttackReport.Row>();
            foreach (string name in Attacks)
            {
                cancellation.ThrowIfCancellationRequested();
                using var attacked = section.Models.Attack(AttackCatalog.CreateForRun(name, ImageShape.Of(split.Train), Grid.Seed, section.Dataset,
                    section.Recipe.Epochs, MaskEpochs));
                var attack = attacked.Checkpoint;
                var cleanModel = AttackMetrics.Measure(clean.Net, split.Test, attack.Trigger, attack.Target);
                rows.Add(new AttackReport.Row(attack.Spec, attacked.Metrics, cleanModel, attacked.Seconds));
                progress?.Report($"  {name}: {attacked.Metrics}");
            }
            sections.Add(new AttackReport.Section(section.Dataset, section.Architecture, section.Recipe, split.Train.Count, clean.Accuracy, clean.Seconds, rows));
        }
        return sections;
    }
}
