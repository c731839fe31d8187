using System.Globalization;
using System.Text;
using Fire.Attacks;
using Fire.Defenses.Baselines;
using Fire.Evaluation.Reports;

namespace Fire.Evaluation.Streams;

/// <summary>docs/autonomous.md: FIRE on streams, fed by each flag source, per backdoored model; the issue's targets judged on every stream.</summary>
public static class StreamReport
{
    /// <summary>The detector-fed target: at this share and false-positive rate, ASR settles within this many inputs and CA stays within this many points.</summary>
    public const double TargetShare = 0.05, TargetFalsePositiveRate = 0.05, TargetCaDrop = 0.01;
    public const int TargetSettleInputs = 2000;
    /// <summary>The no-flag target: ASR over the whole stream under this, BadNets.</summary>
    public const double LatentAsrTarget = 0.10;

    public static string Markdown(string commandLine, StreamSettings settings, IReadOnlyList<StreamReportModel> models)
    {
        var md = new StringBuilder();
        ReportFormat.AppendHeader(md, "FIRE without a human in the loop: streams, flag sources, no flags",
            "backdoored models are reused from the model cache --runs", commandLine);
        md.AppendLine(Setup(settings));
        md.AppendLine();
        AppendTargets(md, settings, models);
        foreach (var model in models) AppendModel(md, settings, model);
        return md.ToString();
    }

    private static string Setup(StreamSettings s) =>
        $"**Setting.** Each stream is a seeded order of {s.Length:N0} test images (a seeded subset of the test split, the same for every stream " +
        $"of a model) in which exactly a share p of the non-target images arrives triggered; {s.Streams} seeded streams per (p, source); inputs " +
        $"are processed in chunks of {s.ChunkSize}: every input of a chunk is answered by the guard as it stands before the chunk, then the " +
        $"chunk's flagged inputs are observed by FIRE (`FireGuard.Observe`: unpaired directions, the automatic choice re-run whenever the " +
        $"observed count has doubled, its false-flag safeguards on). The defender holds {s.CleanCount:N0} clean labelled training images " +
        "(the clean reference): FIRE's and every detector's only other knowledge. A detector's threshold is the (1 - rate) quantile of its " +
        "scores on the clean reference (`DetectorThreshold`); `oracle` flags exactly the triggered inputs (today's setting, for reference); " +
        "`latent` needs no flag and no poisoned sample (`LatentOutlier`: an input is flagged when its latent at one layer lies far from the " +
        "clean latents of the class the model gives it; the layer is the one where the clean reference's images are best assigned to their own " +
        "class by that distance).\n\n" +
        $"**Figures.** CA over every clean input of the stream, ASR and PA over every triggered one (BackdoorBench's definitions); " +
        $"\"last {s.Windows.Triggered}\": ASR over the stream's last {s.Windows.Triggered} triggered inputs. *Settled at*: the stream position " +
        $"from which ASR stayed under {s.Windows.AsrLimit:P0}, i.e. from which every run of {s.Windows.Triggered} consecutive triggered inputs " +
        $"has ASR below {s.Windows.AsrLimit:P0} (\"never\" when the stream's last run is still at or above it). *Let through*: triggered inputs " +
        "sent to the target before that position (all of them when it never settled). Each cell: mean over the streams, the worst stream in " +
        "brackets (lowest CA and PA, highest ASR, latest settling, most let through). Curves: rolling ASR over the last " +
        $"{s.Windows.Triggered} triggered inputs (solid) and rolling CA over the last {s.Windows.Clean} clean inputs (dashed), mean of the " +
        "streams. Timings are not reported: the runs shared 2 loaded cores with other jobs (`--threads 1`).";

    private static void AppendTargets(StringBuilder md, StreamSettings settings, IReadOnlyList<StreamReportModel> models)
    {
        md.AppendLine("## The issue's targets");
        md.AppendLine();
        md.AppendLine($"1. A detector at {TargetFalsePositiveRate:P0} false positives, p = {TargetShare:P0}: ASR under {settings.Windows.AsrLimit:P0} (settled, as defined below) " +
                      $"within the first {TargetSettleInputs:N0} stream inputs, and CA over the whole stream within {TargetCaDrop * 100:0.#} point of the undefended model " +
                      "on the same inputs, for BadNets and Blended. Judged on every stream.");
        md.AppendLine($"2. No flags (`latent`): ASR under {LatentAsrTarget:P0} for BadNets, over the whole stream, on every stream.");
        md.AppendLine();
        md.AppendLine("| model | source | target | met | streams meeting it | settled at (worst) | CA − undefended (worst) | ASR (worst) |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        int rows = 0;
        var specs = settings.ParsedSources.ToDictionary(spec => spec.Name);
        foreach (var model in models)
        foreach (var setting in model.Result.Settings)
        {
            if (!specs.TryGetValue(setting.Source, out var spec)) continue;
            bool detectorTarget = model.Attack is BadNetsAttack.Kind or BlendedAttack.Kind && !spec.IsOracle && spec.Detector != LatentOutlier.DetectorName
                                  && Math.Abs(spec.FalsePositiveRate!.Value - TargetFalsePositiveRate) < 1e-9 && Math.Abs(setting.Share - TargetShare) < 1e-9;
            bool latentTarget = model.Attack == BadNetsAttack.Kind && spec.Detector == LatentOutlier.DetectorName;
            if (!detectorTarget && !latentTarget) continue;
            var streams = setting.Streams;
            int meeting = detectorTarget
                ? streams.Count(s => s.SettledAt is int at && at <= TargetSettleInputs && s.CleanAccuracy - s.UndefendedCleanAccuracy >= -TargetCaDrop - 1e-12)
                : streams.Count(s => s.AttackSuccessRate < LatentAsrTarget);
            string target = detectorTarget ? $"1 (p = {setting.Share:P0})" : $"2 (p = {setting.Share:P0})";
            md.AppendLine($"| {model.Dataset} / {model.Architecture} / {model.Attack} | {setting.Source} | {target} | {(meeting == streams.Count ? "**yes**" : "no")} | " +
                          $"{meeting} of {streams.Count} | {Settled(streams)} | {Delta(streams)} | {MeanWorst(streams, s => s.AttackSuccessRate, worstHigh: true)} |");
            rows++;
        }
        if (rows == 0) md.AppendLine("| – | – | – | no stream of the targets' settings was run | – | – | – | – |");
        md.AppendLine();
    }

    private static void AppendModel(StringBuilder md, StreamSettings settings, StreamReportModel model)
    {
        var r = model.Result;
        md.AppendLine($"## {model.Dataset} / {model.Architecture} / {model.Attack}");
        md.AppendLine();
        md.AppendLine($"{model.Recipe} Target class {r.Target}. Pool: {r.PoolCount:N0} test images; undefended on the pool: CA {ReportFormat.Percent(r.UndefendedCleanAccuracy)}, " +
                      $"ASR {ReportFormat.Percent(r.UndefendedAttackSuccessRate)}.");
        md.AppendLine();
        md.AppendLine("Flag sources on the pool, whatever the stream: the share of its clean images flagged, and of the triggered copies that some stream shows:");
        md.AppendLine();
        md.AppendLine("| source | threshold | clean images flagged | triggered images flagged | note |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var c in r.Calibrations)
            md.AppendLine($"| {c.Source} | {(c.Threshold is double t ? t.ToString("G4", CultureInfo.InvariantCulture) : "–")} | {ReportFormat.Percent(c.CleanFlagged)} | " +
                          $"{ReportFormat.Percent(c.TriggeredFlagged)} | {c.Note ?? ""} |");
        md.AppendLine();
        md.AppendLine($"| p | source | triggered inputs | CA | CA − undefended | ASR | ASR, last {settings.Windows.Triggered} | PA | flags (false) | triggered not flagged | settled at | let through |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var setting in r.Settings)
        {
            var s = setting.Streams;
            md.AppendLine($"| {setting.Share:P0} | {setting.Source} | {s.Average(x => x.TriggeredInputs):N0} | {MeanWorst(s, x => x.CleanAccuracy, worstHigh: false)} | {Delta(s)} | " +
                          $"{MeanWorst(s, x => x.AttackSuccessRate, worstHigh: true)} | {MeanWorst(s, x => x.FinalAttackSuccessRate, worstHigh: true)} | " +
                          $"{MeanWorst(s, x => x.PoisonedAccuracy, worstHigh: false)} | {s.Average(x => x.Flags):N0} ({s.Average(x => x.FalseFlags):N0}) | " +
                          $"{s.Average(x => x.MissedTriggered):N0} | {Settled(s)} | {s.Average(x => x.LetThrough):N1} ({s.Max(x => x.LetThrough)}) |");
        }
        md.AppendLine();
        foreach (string plot in model.Plots) md.AppendLine($"![{Path.GetFileNameWithoutExtension(plot)}]({plot})");
        md.AppendLine();
    }

    private static string MeanWorst(IReadOnlyList<StreamSummary> streams, Func<StreamSummary, double> value, bool worstHigh)
    {
        var values = streams.Select(value).ToArray();
        double worst = worstHigh ? values.Max() : values.Min();
        return $"{ReportFormat.Points(values.Average())} ({ReportFormat.Points(worst)})";
    }

    private static string Delta(IReadOnlyList<StreamSummary> streams)
    {
        var deltas = streams.Select(s => 100 * (s.CleanAccuracy - s.UndefendedCleanAccuracy)).ToArray();
        return $"{deltas.Average().ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture)} ({deltas.Min().ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture)})";
    }

    private static string Settled(IReadOnlyList<StreamSummary> streams)
    {
        var settled = streams.Where(s => s.SettledAt is not null).Select(s => s.SettledAt!.Value).ToArray();
        string mean = settled.Length == 0 ? "never" : settled.Average().ToString("N0", CultureInfo.InvariantCulture);
        string worst = settled.Length < streams.Count ? "never" : settled.Max().ToString("N0", CultureInfo.InvariantCulture);
        string note = settled.Length is > 0 && settled.Length < streams.Count ? $", {streams.Count - settled.Length} never" : "";
        return $"{mean} ({worst}{note})";
    }
}
