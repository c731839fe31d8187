using System.Globalization;
using System.Text;
using Fire.Attacks;
using Fire.Evaluation.Latency;
using Fire.Evaluation.Metrics;
using Fire.Evaluation.Reports;

namespace Fire.Evaluation.Repair;

/// <summary>The markdown of docs/fire.md: FIRE against every attack, paired and unpaired, k = 10 and 100, with latency.</summary>
public static class FireReport
{
    /// <summary>
    /// One attack on one model: the experiments run on it (keyed by variant name, e.g. "unpaired"), and a clean model of the
    /// same recipe on the same test sets: its ASR is the share the trigger sends to the target without any backdoor, its PA how
    /// much of the class the trigger leaves to a model that never learnt it. References, not bounds: a backdoored model can
    /// see past its own trigger better, so a repair may do better than either.
    /// </summary>
    public sealed record Row(string Attack, IReadOnlyDictionary<string, FireExperimentResult> Variants, AttackMetrics? CleanModel = null);

    public sealed record Section(string Dataset, string Model, string Recipe, IReadOnlyList<Row> Rows);

    public const string Unpaired = "unpaired", Paired = "paired", Augmented = "unpaired + augmentation";
    public static readonly int[] ReportedK = [10, 100];
    /// <summary>The variants each section's table shows, and marks the targets for.</summary>
    private static readonly string[] TableVariants = [Unpaired, Paired];

    public static string Markdown(string commandLine, IReadOnlyList<Section> sections, IReadOnlyList<string> plots)
    {
        var md = new StringBuilder();
        ReportFormat.AppendHeader(md, "FIRE: runtime backdoor repair in latent space",
            "backdoored models are cached under the `--runs` folder and shared with `fire attack report`", commandLine);
        AppendSetting(md);
        foreach (var section in sections) AppendSection(md, section);
        AppendLatency(md, sections);
        AppendAugmentation(md, sections);
        if (plots.Count > 0)
        {
            md.AppendLine("## Plots");
            md.AppendLine();
            foreach (string plot in plots) md.AppendLine($"![{Path.GetFileNameWithoutExtension(plot)}]({plot})");
            md.AppendLine();
        }
        AppendDiscussion(md);
        return md.ToString();
    }

    private static void AppendSetting(StringBuilder md)
    {
        md.AppendLine("## Setting");
        md.AppendLine();
        md.AppendLine("- **Defender's data, all from the training split** (seeded, disjoint): a clean labelled reference set (default 500 images; 30% of it is held");
        md.AppendLine("  out of the clean means and statistics) and k observed poisoned samples, the first k of a fixed pool of triggered images of non-target classes.");
        md.AppendLine("  *Paired*: the defender also has each sample's clean original, beta = mean(h(T(x)) - h(x)). *Unpaired*: beta = mean h of the");
        md.AppendLine("  observed samples the model predicts as the estimated target (the captured ones, which alone are scored below) - mean clean h.");
        md.AppendLine("- **Dense and sparse directions**: *dense* is beta itself; *sparse* keeps only the coordinates whose difference is significant,");
        md.AppendLine("  |beta_j| > sqrt(2 ln D) standard errors (D the layer's size, the standard error from the per-coordinate variances of the observed");
        md.AppendLine("  and the clean samples; Donoho and Johnstone's universal threshold), and sets the others to 0.");
        md.AppendLine("- **Figures from the test split only** (BackdoorBench's definitions): CA on clean test images, ASR and PA on the poisoned test set");
        md.AppendLine("  (non-target classes, triggered, true labels). The defense is applied to every input.");
        md.AppendLine("- **Automatic choice** (layers x modes {translate, projection, gated, gated-projection} x alpha {0.5, 1, 1.5} x {dense, sparse}), from the defender's data only:");
        md.AppendLine("  the estimated target is the majority prediction on the observed samples; first, those of them the model predicts as the target are");
        md.AppendLine("  compared with the clean reference's images of that class at every layer (permutation test of the distance of their means, level 0.01");
        md.AppendLine("  over the layers, when each side has at least 10): where no layer tells them apart, they are plain images of that class (false flags)");
        md.AppendLine("  and nothing is repaired. Each candidate's *held-out repair score* is measured by 5-fold");
        md.AppendLine("  cross-validation over the observed samples: with a direction fitted without it, a sample counts as repaired when its prediction is no");
        md.AppendLine("  longer the estimated target (paired: when it equals the prediction on its clean original), and the score is the mean over samples of");
        md.AppendLine("  the repaired prediction's softmax confidence where repaired, 0 elsewhere (a repair that only pushes samples off the target into a region");
        md.AppendLine("  no class claims scores low); unpaired, each class's share of that credit is capped at its binomial share of the clean reference's");
        md.AppendLine("  non-target labels plus two standard deviations (at least one sample); candidates that cost more than 1 point of accuracy on the");
        md.AppendLine("  whole clean reference are rejected (the held-out 30% alone let a chance low reading pass: docs/fire-false-flags.md), and so are those that move the clean reference's images of the estimated target off it at more than half");
        md.AppendLine("  the rate they move the observed samples off it, plus one image (false flags: docs/fire-false-flags.md); the best score wins, ties");
        md.AppendLine("  (within 2% of the samples) going to the smaller clean drop (a negative drop counts as none), gated before ungated, projection before");
        md.AppendLine("  translation, sparse before dense, smaller alpha, shallower layer. Gate threshold: the lower of the 0.99 quantile of clean scores along the direction");
        md.AppendLine("  and the 0.01 quantile of the scores of the observed samples the direction was fitted on that the model predicts as the target.");
        md.AppendLine("- **Stacking** (`--max-layers 2`; off by default): the same choice again over the other layers, each candidate scored with the first repair applied too");
        md.AppendLine("  (per fold, its fold direction) and guarded on the clean drop of both; the second is kept only if it raises the held-out score by more");
        md.AppendLine("  than the tie tolerance. Each layer keeps its own direction from the undefended model's activations.");
        md.AppendLine("- **Targets** (the issue's), at k = 100 for BadNets and Blended: PA within 10 points of the undefended CA, ASR at most 5%, CA drop at most");
        md.AppendLine("  1 point; latency overhead at most 5% at batch 1. Marked per row and variant (unpaired, paired): ✓ met, ✗ missed;");
        md.AppendLine("  ✗† missed where the clean model of the same recipe misses that bound too (its ASR above 5%, or its PA more than 10 points below");
        md.AppendLine("  the undefended CA): the trigger alone, with no backdoor to repair, does that much.");
        md.AppendLine();
    }

    private static void AppendSection(StringBuilder md, Section section)
    {
        md.AppendLine($"## {section.Dataset} / {section.Model}");
        md.AppendLine();
        md.AppendLine($"Backdoored models: {section.Recipe}.");
        md.AppendLine();
        md.AppendLine("CA / ASR / PA in %. Undefended first; then *clean-model ASR / PA*, a clean model of the same recipe on the triggered test images");
        md.AppendLine("(whole test split): the share a trigger sends to the target with no backdoor at all, and how much of the class it leaves to a");
        md.AppendLine("model that never learnt it, low where the trigger hides the image (a strong blend, SIG's stripes). References, not bounds: a");
        md.AppendLine("backdoored model can see past its own trigger better, so a repair may do better. Then FIRE with k observed poisoned samples.");
        md.AppendLine();
        var header = new StringBuilder("| attack | undefended | clean-model ASR / PA |");
        var rule = new StringBuilder("|---|---|---|");
        foreach (var variant in TableVariants)
        foreach (int k in ReportedK)
        {
            header.Append($" {variant} k={k} |");
            rule.Append("---|");
        }
        header.Append(" chosen at k=100 (unpaired) | targets |");
        rule.Append("---|---|");
        md.AppendLine(header.ToString());
        md.AppendLine(rule.ToString());
        foreach (var row in section.Rows)
        {
            var reference = row.Variants.Values.First();
            var line = new StringBuilder($"| {row.Attack} | {Figures(reference.Undefended)} | {(row.CleanModel is { } c ? Invariant($"{100 * c.AttackSuccessRate:F1} / {100 * c.PoisonedAccuracy:F1}") : "-")} |");
            foreach (var variant in TableVariants)
            foreach (int k in ReportedK)
                line.Append($" {(At(row, variant, k) is { } m ? Figures(m) : "-")} |");
            line.Append($" {(row.Variants.TryGetValue(Unpaired, out var main) ? Escape(main.Plan) : "-")} |");
            line.Append($" {Targets(row)} |");
            md.AppendLine(line.ToString());
        }
        md.AppendLine();
    }

    private static BackdoorMetrics? At(Row row, string variant, int k) =>
        row.Variants.TryGetValue(variant, out var result) ? result.Streaming.FirstOrDefault(p => p.Observed == k)?.Metrics : null;

    /// <summary>The issue's targets at k = 100, marked for each variant the row has (unpaired and paired alike).</summary>
    private static string Targets(Row row)
    {
        if (row.Attack is not ("badnets" or "blended")) return "";
        var marks = new List<string>();
        foreach (string variant in TableVariants)
        {
            if (At(row, variant, 100) is not { } m) continue;
            var undefended = row.Variants[variant].Undefended;
            bool PaMet(double pa) => undefended.CleanAccuracy - pa <= 0.10;
            static bool AsrMet(double asr) => asr <= 0.05;
            bool ca = undefended.CleanAccuracy - m.CleanAccuracy <= 0.01;
            var clean = row.CleanModel;
            string pa = Mark(PaMet(m.PoisonedAccuracy), clean is not null && !PaMet(clean.PoisonedAccuracy));
            string asr = Mark(AsrMet(m.AttackSuccessRate), clean is not null && !AsrMet(clean.AttackSuccessRate));
            marks.Add($"{variant}: PA {pa} ASR {asr} CA {Mark(ca)}");
        }
        return string.Join("; ", marks);
    }

    private static void AppendLatency(StringBuilder md, IReadOnlyList<Section> sections)
    {
        md.AppendLine("## Latency");
        md.AppendLine();
        var options = sections.SelectMany(s => s.Rows).Select(r => r.Variants.GetValueOrDefault(Unpaired)?.Latency?.Options).FirstOrDefault(o => o is not null) ?? new LatencyOptions();
        md.AppendLine($"Median call time of interleaved runs ({options.Describe()}), undefended model and FIRE (k = 100, unpaired) in the same run.");
        md.AppendLine();
        md.AppendLine("| data set | model | attack | undefended ms/sample (batch 1) | FIRE ms/sample (batch 1) | ratio at 1 | undefended img/s (batch 128) | FIRE img/s (batch 128) | ratio at 128 | target |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var section in sections)
        foreach (var row in section.Rows)
        {
            if (!row.Variants.TryGetValue(Unpaired, out var result) || result.Latency is not { } latency) continue;
            var baseOne = latency.Row(latency.Baseline, 1);
            var fireOne = latency.Row(FireExperiment.FireName, 1);
            var baseMany = latency.Row(latency.Baseline, 128);
            var fireMany = latency.Row(FireExperiment.FireName, 128);
            md.AppendLine(Invariant($"| {section.Dataset} | {section.Model} | {row.Attack} | {baseOne.Stats.MsPerSample:F3} | {fireOne.Stats.MsPerSample:F3} | {fireOne.Ratio:F3} | {baseMany.Stats.ImagesPerSecond:N0} | {fireMany.Stats.ImagesPerSecond:N0} | {fireMany.Ratio:F3} | {Mark(fireOne.Ratio <= 1.05)} |"));
        }
        md.AppendLine();
        md.AppendLine("Ratio = FIRE's median call time / the undefended model's at the same batch size (throughput ratio at 128 = 1 / ratio).");
        md.AppendLine();
    }

    private static void AppendAugmentation(StringBuilder md, IReadOnlyList<Section> sections)
    {
        var rows = sections.SelectMany(s => s.Rows.Select(r => (s, r))).Where(x => x.r.Variants.ContainsKey(Augmented)).ToList();
        if (rows.Count == 0) return;
        md.AppendLine("## Does augmentation help unpaired estimation?");
        md.AppendLine();
        md.AppendLine("Unpaired directions with each clean and poisoned sample enlarged by 4 augmented copies (shifts up to 2 pixels, pixel noise 0.02), against plain unpaired. CA / ASR / PA in %.");
        md.AppendLine();
        md.AppendLine("| data set | model | attack | unpaired k=10 | augmented k=10 | unpaired k=100 | augmented k=100 |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (section, row) in rows)
            md.AppendLine($"| {section.Dataset} | {section.Model} | {row.Attack} | {F(At(row, Unpaired, 10))} | {F(At(row, Augmented, 10))} | {F(At(row, Unpaired, 100))} | {F(At(row, Augmented, 100))} |");
        md.AppendLine();
        static string F(BackdoorMetrics? m) => m is null ? "-" : Figures(m);
    }

    /// <summary>The discussion of what the tables show is hand-written (docs/fire-discussion.md); the report links it.</summary>
    private static void AppendDiscussion(StringBuilder md)
    {
        md.AppendLine("What these figures show, and why: [fire-discussion.md](fire-discussion.md).");
        md.AppendLine();
    }

    private static string Figures(BackdoorMetrics m) =>
        Invariant($"{100 * m.CleanAccuracy:F1} / {100 * m.AttackSuccessRate:F1} / {100 * m.PoisonedAccuracy:F1}");

    /// <summary>✓ met, ✗ missed; ✗† missed where the clean model misses the same bound.</summary>
    private static string Mark(bool met, bool cleanModelMisses = false) => met ? "✓" : cleanModelMisses ? "✗†" : "✗";

    private static string Escape(string text) => text.Replace("|", "\\|");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
