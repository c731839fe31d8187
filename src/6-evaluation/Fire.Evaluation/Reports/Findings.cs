using System.Globalization;

namespace Fire.Evaluation.Reports;

/// <summary>
/// The "Findings" of a benchmark report, computed from the numbers: per setting, which mitigation has the best PA and
/// where FIRE stands (when it is behind, by how much, and what the better ones cost in clean accuracy or abstain on);
/// per setting with detectors, what they flag and the ASR they leave beside FIRE's; per (data set, architecture),
/// FIRE's latency ratio against the other mitigations'; and a tally of the claim "FIRE has the best PA among runtime
/// mitigations at a fraction of their cost". PA is compared only among defenses that answer every input: a detector
/// (<see cref="DefenseSummary.IsDetector"/>) abstains on what it flags, so its PA stays near the undefended model's even
/// when it stops the attack, and it is judged by its ASR and its abstentions instead.
/// </summary>
public static class Findings
{
    public static IReadOnlyList<string> Compute(IReadOnlyList<SettingSummary> settings)
    {
        var lines = new List<string>();
        int compared = 0, fireBest = 0;
        foreach (var setting in settings)
        {
            var mitigations = setting.Mitigations.Where(d => !d.IsDetector).ToList();
            if (mitigations.Count > 0)
            {
                lines.Add(PaFinding(setting, mitigations, out bool? isBest));
                if (isBest is bool best)
                {
                    compared++;
                    if (best) fireBest++;
                }
            }
            if (DetectorFinding(setting) is { } detectors) lines.Add(detectors);
        }
        var costs = settings.GroupBy(s => (s.Dataset, s.Architecture)).Select(CostFinding).OfType<(string Line, bool Cheapest)>().ToList();
        lines.AddRange(costs.Select(c => c.Line));
        if (compared > 0)
            lines.Insert(0, $"- **Claim check**: FIRE has the best PA among the runtime mitigations that answer every input in {fireBest} of {compared} setting(s)" +
                            (costs.Count > 0 ? $"; its batch-1 latency ratio is the lowest of all mitigations in {costs.Count(c => c.Cheapest)} of {costs.Count} (data set, model) pair(s)." : "."));
        return lines;
    }

    private static string PaFinding(SettingSummary setting, List<DefenseSummary> mitigations, out bool? fireIsBest)
    {
        var best = mitigations.MaxBy(d => d.Metrics!.PoisonedAccuracy)!;
        var undefended = setting.Undefended?.Metrics;
        string reference = undefended is null ? "" : $" (undefended: PA {Percent(undefended.PoisonedAccuracy)}, CA {Percent(undefended.CleanAccuracy)})";
        var fire = mitigations.Where(d => d.IsFire).MaxBy(d => d.Metrics!.PoisonedAccuracy);
        fireIsBest = null;
        if (fire is null)
            return $"- **{setting.Title}**: best PA {best.Defense} {Percent(best.Metrics!.PoisonedAccuracy)}{reference}.";
        double firePa = fire.Metrics!.PoisonedAccuracy;
        var ahead = mitigations.Where(d => !d.IsFire && d.Metrics!.PoisonedAccuracy > firePa).OrderByDescending(d => d.Metrics!.PoisonedAccuracy).ToList();
        if (mitigations.Any(d => !d.IsFire)) fireIsBest = ahead.Count == 0; // with FIRE alone there is no claim to check
        if (ahead.Count == 0)
        {
            var next = mitigations.Where(d => !d.IsFire).MaxBy(d => d.Metrics!.PoisonedAccuracy);
            return $"- **{setting.Title}**: FIRE ({fire.Defense}) has the best PA, {Percent(firePa)}, CA {Percent(fire.Metrics.CleanAccuracy)}" +
                   (next is null ? "" : $"; best baseline {next.Defense} {Percent(next.Metrics!.PoisonedAccuracy)}") + $"{reference}.";
        }
        string behind = string.Join(", ", ahead.Select(d => $"{d.Defense} {Percent(d.Metrics!.PoisonedAccuracy)} (CA {Percent(d.Metrics.CleanAccuracy)}" +
                                                           (d.Metrics.PoisonedAbstentionRate > 0 ? $", abstains on {Percent(d.Metrics.PoisonedAbstentionRate)} of poisoned inputs" : "") + ")"));
        return $"- **{setting.Title}**: FIRE is **not** best: its best variant {fire.Defense} reaches PA {Percent(firePa)} (CA {Percent(fire.Metrics.CleanAccuracy)}), " +
               $"behind {behind}{reference}.";
    }

    /// <summary>
    /// The detectors of a setting: the share of poisoned and of clean inputs each abstains on, its AUROC (how well its
    /// scores separate the two, whatever its threshold flags) and the ASR it leaves, beside
    /// the lowest ASR of a FIRE variant (which answers every input); null when no detector was measured.
    /// </summary>
    private static string? DetectorFinding(SettingSummary setting)
    {
        var detectors = setting.Mitigations.Where(d => d.IsDetector).ToList();
        if (detectors.Count == 0) return null;
        string each = string.Join("; ", detectors.Select(d =>
            $"{d.Defense} abstains on {Percent(d.Metrics!.PoisonedAbstentionRate)} of poisoned and {Percent(d.Metrics.CleanAbstentionRate)} of clean inputs" +
            (d.Auroc is double auroc ? $" (AUROC {auroc.ToString("F3", CultureInfo.InvariantCulture)})" : "") + $", ASR {Percent(d.Metrics.AttackSuccessRate)}"));
        var fire = setting.Mitigations.Where(d => d.IsFire).MinBy(d => d.Metrics!.AttackSuccessRate);
        string reference = fire is null ? "" : $"; FIRE ({fire.Defense}) answers every input with ASR {Percent(fire.Metrics!.AttackSuccessRate)}";
        return $"- **{setting.Title}, detectors** (they abstain on the inputs they flag, so their PA is not compared): {each}{reference}.";
    }

    /// <summary>FIRE's batch-1 and batch-128 ratios (median over its variants and the attacks) against each other mitigation's.</summary>
    private static (string Line, bool Cheapest)? CostFinding(IGrouping<(string Dataset, string Architecture), SettingSummary> pair)
    {
        var timed = pair.SelectMany(s => s.Mitigations).Where(d => d.Latency is not null).ToList();
        var fire = timed.Where(d => d.IsFire).ToList();
        var others = timed.Where(d => !d.IsFire).GroupBy(d => d.Defense)
            .Select(g => (Defense: g.Key, Ratio1: Median(g.Select(d => d.Latency!.Ratio1)), Ratio128: Median(g.Select(d => d.Latency!.Ratio128))))
            .OrderBy(o => o.Ratio1).ToList();
        if (fire.Count == 0 || others.Count == 0) return null;
        double fire1 = Median(fire.Select(d => d.Latency!.Ratio1)), fire128 = Median(fire.Select(d => d.Latency!.Ratio128));
        bool cheapest = others.All(o => fire1 <= o.Ratio1);
        string list = string.Join(", ", others.Select(o => $"{o.Defense} {Ratio(o.Ratio1)} / {Ratio(o.Ratio128)}"));
        string line = $"- **Cost, {pair.Key.Dataset} / {pair.Key.Architecture}** (latency ratio to the undefended model, batch 1 / batch 128): " +
                      $"FIRE {Ratio(fire1)} / {Ratio(fire128)}; {list}. " +
                      (cheapest ? "FIRE is the cheapest mitigation at batch 1." : $"Cheaper than FIRE at batch 1: {string.Join(", ", others.Where(o => o.Ratio1 < fire1).Select(o => o.Defense))}.");
        return (line, cheapest);
    }

    private static double Median(IEnumerable<double> values) => Quantiles.Of(values, 0.5);

    private static string Percent(double share) => ReportFormat.Percent(share);
    private static string Ratio(double ratio) => ReportFormat.Ratio(ratio);
}
