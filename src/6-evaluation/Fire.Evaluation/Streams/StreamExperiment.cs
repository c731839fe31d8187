using Fire.Attacks;
using Fire.Data;
using Fire.Defenses.Baselines;
using Fire.Evaluation.Repair;
using Fire.Guard;

namespace Fire.Evaluation.Streams;

/// <summary>A flag source's threshold and how it flags the pool: the share of clean and of triggered pool images it marks.</summary>
public sealed record SourceCalibration(string Source, double? Threshold, double CleanFlagged, double TriggeredFlagged, string? Note);

/// <summary>Every stream of one (share, source) setting: one summary and one rolling curve per seeded stream.</summary>
public sealed record StreamSetting(double Share, string Source, IReadOnlyList<StreamSummary> Streams, IReadOnlyList<IReadOnlyList<StreamCurvePoint>> Curves)
{
    public IReadOnlyList<StreamCurvePoint> MeanCurve => StreamCurve.Mean(Curves);
}

public sealed record StreamExperimentResult(string Pool, int Target, int PoolCount, double UndefendedCleanAccuracy, double UndefendedAttackSuccessRate,
    IReadOnlyList<SourceCalibration> Calibrations, IReadOnlyList<StreamSetting> Settings);

/// <summary>
/// FIRE on streams of one backdoored model. The defender holds a clean labelled reference from the TRAINING split
/// (<see cref="DefenderSamples.DrawClean"/>); the streams are seeded orders of a TEST-split pool
/// (<see cref="StreamPool"/>) in which a share p of the non-target images arrives triggered. Each detector is calibrated
/// on the clean reference only, its threshold set at each false-positive rate; each (share, source, stream) runs a fresh
/// <see cref="FireGuard"/> that knows only the clean reference and learns from the flags (<see cref="StreamRunner"/>).
/// </summary>
public static class StreamExperiment
{
    public static StreamExperimentResult Run(ILayeredModel model, ImageDataset train, ImageDataset test, ITrigger trigger, int target,
        StreamSettings settings, IProgress<string>? progress = null)
    {
        settings.Validate();
        var (clean, cleanLabels) = DefenderSamples.DrawClean(train, settings.CleanCount, settings.Seed);
        var pool = StreamPool.From(new BackdoorTestSet(test, trigger, target, settings.Length, settings.Seed));
        progress?.Report($"Pool: {pool.Count:N0} test images ({pool.Triggered.Count:N0} of non-target classes); clean reference: {clean.Count:N0} training images.");
        // Every stream is drawn first: per-image work (the undefended label, a detector's score) then runs only on the triggered copies some stream shows.
        var streams = settings.Shares.ToDictionary(share => share,
            share => Enumerable.Range(0, settings.Streams).Select(s => InputStream.Draw(pool.Labels, target, share, settings.Seed + s)).ToList());
        var shown = streams.Values.SelectMany(list => list).SelectMany(s => s.Inputs).Where(i => i.Triggered).Select(i => pool.TriggeredRow(i.PoolIndex)).ToHashSet();
        var undefended = pool.Compute(images => ModelPredictions.Predict(model, images));
        var sources = Sources(model, clean, cleanLabels, pool, shown, settings, progress);

        var results = new List<StreamSetting>();
        foreach (double share in settings.Shares)
        foreach (var (source, _) in sources)
        {
            var summaries = new List<StreamSummary>();
            var curves = new List<IReadOnlyList<StreamCurvePoint>>();
            for (int s = 0; s < settings.Streams; s++)
            {
                var stream = streams[share][s];
                using var guard = new FireGuard(model, settings.Fire with { Seed = settings.Seed + s });
                guard.FitClean(clean, cleanLabels);
                var run = StreamRunner.Run(pool, stream, source, new FireStreamDefense(guard), undefended, settings.ChunkSize);
                var summary = StreamSummary.Of(run, settings.Windows);
                summaries.Add(summary);
                curves.Add(StreamCurve.Of(run, settings.Windows, settings.CurveStep));
                progress?.Report($"p = {share:P0}, {source.Name}, stream {stream.Seed}: CA {summary.CleanAccuracy:P1} (undefended {summary.UndefendedCleanAccuracy:P1}), " +
                                 $"ASR {summary.AttackSuccessRate:P1}, last {settings.Windows.Triggered} triggered {summary.FinalAttackSuccessRate:P1}, " +
                                 $"{summary.Flags} flags ({summary.FalseFlags} false), settled at {summary.SettledAt?.ToString("N0") ?? "never"}, {summary.LetThrough} let through; {guard.Plan}.");
            }
            results.Add(new StreamSetting(share, source.Name, summaries, curves));
        }
        double Rate(int[] labels, int[] truth, Func<int, int, bool> counts) => (double)labels.Where((l, i) => counts(l, truth[i])).Count() / labels.Length;
        var poisonedTruth = Enumerable.Range(0, pool.Count).Where(i => pool.TriggeredRow(i) >= 0).Select(i => pool.Labels[i]).ToArray();
        return new StreamExperimentResult(test.Name, target, pool.Count, Rate(undefended.Clean, pool.Labels, (l, t) => l == t),
            Rate(undefended.KnownTriggered, poisonedTruth, (l, _) => l == target), sources.Select(s => s.Calibration).ToList(), results);
    }

    /// <summary>The flag sources: each detector calibrated once on the clean reference and scored once over the pool, then thresholded at each rate.</summary>
    private static List<(IFlagSource Source, SourceCalibration Calibration)> Sources(ILayeredModel model, FloatBatch clean, int[] cleanLabels,
        StreamPool pool, IReadOnlyCollection<int> shownTriggered, StreamSettings settings, IProgress<string>? progress)
    {
        var sources = new List<(IFlagSource, SourceCalibration)>();
        var scored = new Dictionary<string, (float[] Clean, PoolValues<float> Pool, string? Note)>();
        foreach (var spec in settings.ParsedSources)
        {
            if (spec.IsOracle)
            {
                sources.Add((new OracleFlags(), new SourceCalibration(spec.Name, null, 0, 1, "flags exactly the triggered inputs")));
                continue;
            }
            if (!scored.TryGetValue(spec.Detector, out var scores))
            {
                using var detector = InputDetectors.Create(spec.Detector);
                progress?.Report($"{spec.Detector}: calibrating on the clean reference and scoring the pool's {pool.Count:N0} clean images and the {shownTriggered.Count:N0} triggered copies the streams show.");
                var cleanScores = detector.Calibrate(model, clean, cleanLabels, Seeds.For(settings.Seed, StreamSeeds.Detector));
                scores = scored[spec.Detector] = (cleanScores, pool.Compute(detector.Score, shownTriggered), detector is LatentOutlier latent ? $"layer {latent.Layer}" : null);
            }
            var threshold = DetectorThreshold.Calibrate(scores.Clean, spec.FalsePositiveRate!.Value);
            double Flagged(float[] values) => values.Length == 0 ? double.NaN : (double)values.Count(threshold.Flags) / values.Length;
            sources.Add((new ThresholdFlags(spec.Name, scores.Pool, threshold),
                new SourceCalibration(spec.Name, threshold.Value, Flagged(scores.Pool.Clean), Flagged(scores.Pool.KnownTriggered), scores.Note)));
        }
        return sources;
    }
}
