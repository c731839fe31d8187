using System.Globalization;
using System.Text;
using Fire.Attacks;
using Fire.Attacks.Kinds;
using Fire.Attacks.Specs;
using Fire.Evaluation.Reports;
using Fire.Training;

namespace Fire.Cli.Commands.AttackCommands;

/// <summary>The markdown of <c>fire attack report</c>: our figures, the targets, BackdoorBench's figures, and why they differ.</summary>
public static class AttackReport
{
    /// <param name="CleanModel">The clean model's figures on this attack's poisoned test set: its ASR is what the trigger does without a
    /// backdoor, its PA how much of the class the trigger leaves to a model that never learnt it.</param>
    public sealed record Row(AttackSpec Spec, AttackMetrics Metrics, AttackMetrics CleanModel, double Seconds);

    public sealed record Section(string Dataset, string Model, TrainRecipe Recipe, int TrainCount, double CleanAccuracy, double CleanSeconds,
        IReadOnlyList<Row> Rows);

    /// <summary>BackdoorBench's leaderboard, PreAct-ResNet18, no defense: CA / ASR / RA in % (from shared/notes/method.md).</summary>
    private static readonly Dictionary<(string Dataset, string Attack), (double Ca, double Asr, double Ra)> BackdoorBench = new()
    {
        [("cifar10", "badnets")] = (91.32, 95.03, 4.67),
        [("cifar10", "blended")] = (93.47, 99.92, 0.08),
        [("cifar10", "wanet")] = (91.25, 89.73, 9.76),
        [("cifar10", "iad")] = (90.67, 98.26, 1.66),
        [("cifar10", "sig")] = (84.48, 98.27, 1.72),
        [("gtsrb", "blended")] = (98.58, 99.99, 0.00),
        [("gtsrb", "wanet")] = (97.74, 94.25, 5.59),
        [("gtsrb", "iad")] = (98.76, 95.92, 4.06),
    };

    /// <summary>The issue's targets: minimum ASR and, where set, the largest CA drop against the clean model (points).</summary>
    private static (double Asr, double? CaDrop)? Target(string attack) => attack switch
    {
        "badnets" or "blended" or "wanet" or "iad" => (0.90, 2.0),
        "sig" => (0.80, null),
        _ => null,
    };

    public static string Markdown(string commandLine, string runsFolder, IReadOnlyList<Section> sections)
    {
        var md = new StringBuilder();
        ReportFormat.AppendHeader(md, "Backdoor attacks: CA, ASR and PA beside BackdoorBench",
            $"trained models are cached under `{runsFolder}`, and save their training every epoch, so an interrupted run resumes", commandLine);
        md.AppendLine("**Figures** (BackdoorBench's definitions). CA: accuracy on the clean test set. The poisoned test set holds the test images whose true");
        md.AppendLine("class is not the target, with the trigger applied and stored as bytes; ASR: share of it predicted as the target; PA: share predicted as");
        md.AppendLine("the true class (BackdoorBench's RA). *Clean model ASR / PA*: the same poisoned test set on the clean model: the share that lands on the target without");
        md.AppendLine("any backdoor, and the share it still classifies correctly: how much of the class the trigger leaves to a model that never learnt it");
        md.AppendLine("(a strong blend or SIG's stripes hide much of the image; a reference for a defense's PA, not a bound). *Clean to target*: share of the");
        md.AppendLine("clean test images of the other classes predicted as the target, backdoored / clean model: the backdoor firing without its trigger,");
        md.AppendLine("the part of a CA loss that the backdoor itself causes.");
        md.AppendLine("**Targets** (the issue's): ASR at least 90% with CA within 2 points of the clean model for BadNets, Blended, WaNet and");
        md.AppendLine("IAD; ASR at least 80% for SIG. Adaptive-Blend is a stress test for defenses, with no target. All attacks are all-to-one to class 0.");
        md.AppendLine("*Training time*: as recorded when the cached model was trained, on this machine's cores but not always alone on them, so a");
        md.AppendLine("pace to compare between attacks only roughly (IAD's includes pre-training its mask network).");
        md.AppendLine();
        foreach (var section in sections) AppendSection(md, section);
        AppendAttacks(md, sections);
        AppendDifferences(md, sections);
        return md.ToString();
    }

    private static void AppendSection(StringBuilder md, Section s)
    {
        md.AppendLine($"## {s.Dataset}, {s.Model}");
        md.AppendLine();
        md.AppendLine($"Recipe, the same for the clean model and every attack: {AttackDescriptions.Recipe(s.Recipe, s.TrainCount)}.");
        if (s.Rows.FirstOrDefault(r => r.Spec.Attack == IadAttack.Kind) is { } iad)
            md.AppendLine(Invariant($"IAD pre-trains its mask network for {AttackDescriptions.Count(iad.Spec.Read<IadAttack.Parameters>().MaskEpochs, "epoch")} first (BackdoorBench: 25)."));
        md.AppendLine(Invariant($"BackdoorBench's reference: PreAct-ResNet18, {TrainRecipe.BackdoorBench(s.Dataset).Epochs} epochs on the full training set, same SGD settings."));
        md.AppendLine();
        md.AppendLine("| model | CA | CA vs clean | clean to target | ASR | PA | clean model ASR / PA | poisoned training images | training time | target | BackdoorBench CA / ASR / RA |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---:|:---:|---|");
        md.AppendLine(Invariant($"| clean | {Percent(s.CleanAccuracy)} | | | | | | none | {Duration(s.CleanSeconds)} | | |"));
        foreach (var row in s.Rows)
        {
            var m = row.Metrics;
            double drop = 100 * (s.CleanAccuracy - m.CleanAccuracy);
            string reference = BackdoorBench.TryGetValue((s.Dataset, row.Spec.Attack), out var b) ? Invariant($"{b.Ca:F2} / {b.Asr:F2} / {b.Ra:F2}") : "n/a";
            md.AppendLine(Invariant(
                $"| {row.Spec.Attack} | {Percent(m.CleanAccuracy)} | {-drop:+0.00;-0.00;0.00} | {Share(m.CleanToTarget)} / {Share(row.CleanModel.CleanToTarget)} | {Percent(m.AttackSuccessRate)} | {Percent(m.PoisonedAccuracy)} | {Percent(row.CleanModel.AttackSuccessRate)} / {Percent(row.CleanModel.PoisonedAccuracy)} | {Poisoned(row.Spec)} | {Duration(row.Seconds)} | {Verdict(row, drop)} | {reference} |"));
        }
        md.AppendLine();
    }

    private static void AppendAttacks(StringBuilder md, IReadOnlyList<Section> sections)
    {
        md.AppendLine("## Attack settings");
        md.AppendLine();
        md.AppendLine("BackdoorBench's defaults (`fire attack --help` lists every parameter). Trigger pictures, WaNet's noise field and IAD's networks are");
        md.AppendLine("stored with each checkpoint (the sidecar's `attack` object; IAD's networks in `<checkpoint>.iad`, referenced with their SHA-256).");
        md.AppendLine();
        md.AppendLine("| attack | trigger | rate, labels | parameters |");
        md.AppendLine("|---|---|---|---|");
        foreach (var spec in sections.SelectMany(s => s.Rows).Select(r => r.Spec).DistinctBy(spec => spec.Attack))
            md.AppendLine(Invariant($"| {spec.Attack} | {AttackCatalog.Summary(spec.Attack)} | {spec.Rate} of all training images, {(spec.CleanLabel ? "clean-label (target-class images, labels kept)" : "from non-target classes, relabelled to the target")}{(spec.RedrawEachEpoch ? ", drawn afresh every epoch" : "")} | {AttackDescriptions.Parameters(spec)} |"));
        md.AppendLine();
    }

    private static void AppendDifferences(StringBuilder md, IReadOnlyList<Section> sections)
    {
        md.AppendLine("## Why these figures differ from BackdoorBench's");
        md.AppendLine();
        md.AppendLine("- **Model and training length.** BackdoorBench trains PreAct-ResNet18 (11M parameters) for 100 epochs (CIFAR-10) or 50 (GTSRB) on");
        md.AppendLine("  the full training set on a GPU. The figures above come from the scaled-down CPU recipe stated in each section, so clean accuracy is");
        md.AppendLine("  lower (a small CNN trained briefly), and attacks whose trigger is subtle (WaNet, IAD) have had far fewer steps to be learnt.");
        md.AppendLine("- **Poisoned selection.** Fire draws the round(rate x N) poisoned images from the non-target classes; BackdoorBench draws them");
        md.AppendLine("  from all images, so about a tenth of its \"poisoned\" images are target-class images whose label does not change.");
        md.AppendLine("  BackdoorBench's WaNet and IAD poison the first 10% of every shuffled batch, so each image is seen clean in most epochs;");
        md.AppendLine("  Fire's WaNet draws its poisoned and noise samples afresh every epoch likewise (seeded), its IAD and the data-poisoning");
        md.AppendLine("  attacks use one fixed seeded set (`--redraw-each-epoch true|false` chooses for WaNet and IAD).");
        md.AppendLine("- **Blended pattern.** BackdoorBench blends a Hello Kitty picture that cannot ship with Fire; the default here is seeded uniform");
        md.AppendLine("  noise (the random-noise key of the original Blended paper). High-frequency noise is at least as easy for a CNN to learn, so");
        md.AppendLine("  ASR is comparable or higher; `--blend-image` takes any picture.");
        md.AppendLine("- **WaNet.** The warp moves pixels by at most about half a pixel at s = 0.5 and is learnt slowly; BackdoorBench's 89.7% ASR on");
        md.AppendLine("  CIFAR-10 takes 100 epochs of PreAct-ResNet18. Fire warps after its usual augmentation (crop and flip), then rotates a quarter of");
        md.AppendLine("  every batch, clean images included, by up to 10 degrees with bilinear resampling, as the original WaNet release does");
        md.AppendLine("  (`--post-rotation`); BackdoorBench trains without augmentation before the warp and crops (padding 5) and rotates (10 degrees,");
        md.AppendLine("  nearest-neighbour) after it. Resampling blurs, and a WaNet model partly learns blur as its trigger: where its CA falls short,");
        md.AppendLine("  the clean to target column shows how much of the loss is clean (often soft) images sent to the target, and");
        md.AppendLine("  `fire attack probe <model> --reference <clean model>` how many a blur or a half-pixel shift sends there (docs/wanet-probe.md).");
        md.AppendLine("- **SIG.** The rate counts all training images, as BackdoorBench's: 0.1 of CIFAR-10 is 5,000 images, every image of class 0.");
        md.AppendLine("  GTSRB's class 0 has only 210 training images (0.5% of the set), so all 210 are poisoned and far fewer than requested;");
        md.AppendLine("  BackdoorBench's leaderboard has no GTSRB SIG entry to compare with.");
        md.AppendLine("- **IAD.** The classifier follows the shared recipe (cosine schedule) instead of BackdoorBench's step schedule, and the mask");
        md.AppendLine("  network is pre-trained for fewer epochs when the training epochs are scaled down.");
        md.AppendLine("- **Data.** Fire's CIFAR-10 copy is JPEG-compressed (pixels differ slightly from the official release); GTSRB images are resized");
        md.AppendLine("  to 32x32 as in BackdoorBench.");
        md.AppendLine("- **The CA target.** BackdoorBench's own CIFAR-10 rows (one architecture and recipe) differ in CA by up to 2.8 points between");
        md.AppendLine("  attacks: taking Blended's 93.47 (a trigger that costs little) as near its clean model's, WaNet (91.25) and IAD (90.67), the");
        md.AppendLine("  two that also train on label-keeping samples, lose 2.2-2.8 points there too; \"CA within 2 points\" is strict for them.");
        md.AppendLine("- **PA is BackdoorBench's RA.** Where ASR is high, PA is near 0 in both; PA + ASR stays below 100% because some triggered images");
        md.AppendLine("  go to a third class.");
        var misses = sections.SelectMany(s => s.Rows.Select(r => (s, r))).Where(p => Missed(p.r, 100 * (p.s.CleanAccuracy - p.r.Metrics.CleanAccuracy)) is not null).ToList();
        if (misses.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Targets missed in this run:");
            md.AppendLine();
            foreach (var (s, r) in misses)
                md.AppendLine($"- {s.Dataset} / {s.Model} / {r.Spec.Attack}: {Missed(r, 100 * (s.CleanAccuracy - r.Metrics.CleanAccuracy))}");
        }
        md.AppendLine();
    }

    private static string Verdict(Row row, double drop) => Target(row.Spec.Attack) is null ? "—" : Missed(row, drop) is null ? "met" : "missed";

    /// <summary>Why a row misses its target, or null when it meets it (or has none).</summary>
    private static string? Missed(Row row, double drop)
    {
        if (Target(row.Spec.Attack) is not var (asr, caDrop)) return null;
        var reasons = new List<string>();
        if (row.Metrics.AttackSuccessRate < asr) reasons.Add($"ASR {Percent(row.Metrics.AttackSuccessRate)} is below {Percent(asr)}");
        if (caDrop is double limit && drop > limit)
            reasons.Add(Invariant($"CA is {drop:F2} points below the clean model (limit {limit})") +
                        (row.Metrics.CleanToTarget is double sent && row.CleanModel.CleanToTarget is double cleanSent
                            ? $"; it sends {Percent(sent)} of the other classes' clean test images to the target, the clean model {Percent(cleanSent)}"
                            : ""));
        if (reasons.Count == 0) return null;
        string why = row.Spec.Attack switch
        {
            "wanet" => "the warp is subtle and slow to learn, and the model partly takes the blur of resampling for the trigger",
            "iad" => "generator and classifier train jointly and need more epochs",
            "sig" when row.Spec.Poisoning is { } p && p.Poisoned < p.Requested => "the target class is small, so few images carry the signal",
            "sig" => "clean-label poisoning has to beat the images' own features",
            _ => "the recipe is too short for this data set",
        };
        return $"{string.Join("; ", reasons)} ({why}).";
    }

    private static string Poisoned(AttackSpec spec) => spec.Poisoning is { } p
        ? Invariant($"{p.Poisoned:N0} ({Percent(p.EffectiveRate)}){(p.Auxiliary > 0 ? $" + {p.Auxiliary:N0} label-keeping" : "")}{(spec.RedrawEachEpoch ? ", redrawn each epoch" : "")}")
        : "?";

    private static string Percent(double share) => Invariant($"{100 * share:F2}%");

    private static string Share(double? share) => share is double value ? Percent(value) : "–";

    private static string Duration(double seconds) => seconds <= 0 ? "" : TimeSpan.FromSeconds(seconds).ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
