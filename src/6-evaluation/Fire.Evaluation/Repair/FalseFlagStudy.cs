using System.Diagnostics;
using Fire.Attacks;
using Fire.Data;
using Fire.Defenses.Baselines;
using Fire.Evaluation.Metrics;
using Fire.Guard;

namespace Fire.Evaluation.Repair;

/// <summary>A backdoored model of the study: its network, its trigger and target.</summary>
public sealed record StudiedBackdoor(string Name, ILayeredModel Model, ITrigger Trigger, int Target);

/// <summary>How the false-flag study draws its flags and measures (docs/fire-false-flags.md).</summary>
public sealed record FalseFlagStudySettings
{
    /// <summary>Flagged images per case.</summary>
    public int Flags { get; init; } = 100;
    /// <summary>Clean reference images (training split, as <c>fire guard fit</c> draws them).</summary>
    public int CleanCount { get; init; } = 500;
    /// <summary>Seeded subset of the test split the changes, CA, ASR and PA are read on.</summary>
    public int TestLimit { get; init; } = 2000;
    /// <summary>Clean training images (outside the reference) that STRIP scores; its flags among them are its false positives.</summary>
    public int StripPool { get; init; } = 2000;
    /// <summary>STRIP's false-positive rate on the clean reference.</summary>
    public double StripFalsePositiveRate { get; init; } = 0.05;
    /// <summary>Classes whose clean images are flagged in the one-class case.</summary>
    public IReadOnlyList<int> OneClass { get; init; } = [1];
    /// <summary>Shares of false flags (STRIP's false positives on the backdoored model) mixed into the true flags.</summary>
    public IReadOnlyList<double> MixedShares { get; init; } = [0.3, 0.5];
    /// <summary>The capture test's level for the "now" column (the guards are fitted with it at 0: measured, not acted on).</summary>
    public double CaptureLevel { get; init; } = new FireOptions().CaptureLevel;
    public int Seed { get; init; }
    public FireOptions Fire { get; init; } = new();
}

/// <summary>
/// One case: a family of flags on a model, the plan the safeguards before the capture test chose ("before") and whether the
/// capture test stops it ("now"), with the test predictions the plan changes and the figures either way.
/// </summary>
public sealed record FalseFlagCase(
    string Model, string Family, bool Backdoored, int Flags, int EstimatedTarget, int Captured,
    string PlanBefore, bool RepairedBefore, bool RepairedNow,
    int CleanChanged, int CleanCount, int TriggeredChanged, int TriggeredCount, string TriggerOf,
    BackdoorMetrics Undefended, BackdoorMetrics Before, BackdoorMetrics Now,
    TargetLikenessTest? Likeness, TriggerCaptureTest? Capture, double Seconds);

/// <summary>
/// Flags with no backdoor behind them, and true and mixed flags for contrast (issue 39, item 5). On a clean model: images
/// carrying another model's trigger (inert triggers), STRIP's false positives at its calibrated rate, clean images of one class,
/// random clean images. On each backdoored model: its triggered images, and those mixed with STRIP's false positives on it.
/// Each guard is fitted once with the capture test measured but not acted on (<see cref="FireOptions.CaptureLevel"/> 0); the test
/// runs before any candidate and ends the choice or leaves it untouched, so "now" is that plan, or no repair when the test at the
/// study's level says the pattern is inert. The defender's data come from the training split (the clean reference drawn as
/// <c>fire guard fit</c> draws it, the flags from the images after it), the figures from a seeded subset of the test split.
/// </summary>
public static class FalseFlagStudy
{
    public static IReadOnlyList<FalseFlagCase> Run(DataSplit split, string cleanName, ILayeredModel clean, IReadOnlyList<StudiedBackdoor> backdoors,
        FalseFlagStudySettings settings, IProgress<string>? progress = null)
    {
        if (backdoors.Count == 0) throw new ArgumentException("The false-flag study needs at least one backdoored model: its trigger makes the inert flags and the triggered test images.");
        var train = split.Train;
        var order = Enumerable.Range(0, train.Count).ToArray();
        new Random(settings.Seed).Shuffle(order); // the order DefenderSamples.DrawClean takes its reference from
        var (reference, referenceLabels) = DefenderSamples.DrawClean(train, settings.CleanCount, settings.Seed);
        var pool = order[settings.CleanCount..];
        FloatBatch Images(IEnumerable<int> rows) => ImageBatches.From(train, rows.ToArray());
        int[] Take(Func<int, bool> keep, int count) => pool.Where(i => keep(train.Labels[i])).Take(count).ToArray();

        var testSets = backdoors.ToDictionary(b => b.Name, b => new BackdoorTestSet(split.Test, b.Trigger, b.Target, settings.TestLimit, settings.Seed));
        var cases = new List<FalseFlagCase>();
        void Case(string model, ILayeredModel network, bool backdoored, string family, FloatBatch flags, StudiedBackdoor triggerOf)
        {
            progress?.Report($"{model}: {family} ({flags.Count} flags)");
            cases.Add(Measure(model, network, backdoored, family, flags, reference, referenceLabels, testSets[triggerOf.Name], triggerOf.Name, settings));
            progress?.Report($"  {Describe(cases[^1])}");
        }

        var stripPool = pool.Take(settings.StripPool).ToArray();
        var stripFlagsOnClean = Images(StripFalsePositives(clean, reference, referenceLabels, train, stripPool, settings).Take(settings.Flags));
        foreach (var backdoor in backdoors)
            Case(cleanName, clean, false, $"inert {backdoor.Name} trigger", backdoor.Trigger.Apply(Images(Take(l => l != backdoor.Target, settings.Flags))), backdoor);
        Case(cleanName, clean, false, $"STRIP false positives ({settings.StripFalsePositiveRate:P0})", stripFlagsOnClean, backdoors[0]);
        foreach (int c in settings.OneClass)
            Case(cleanName, clean, false, $"class {c}", Images(Take(l => l == c, settings.Flags)), backdoors[0]);
        Case(cleanName, clean, false, "random", Images(pool.Take(settings.Flags)), backdoors[0]);

        foreach (var backdoor in backdoors)
        {
            var triggered = backdoor.Trigger.Apply(Images(Take(l => l != backdoor.Target, settings.Flags)));
            Case(backdoor.Name, backdoor.Model, true, "true", triggered, backdoor);
            var stripFlags = StripFalsePositives(backdoor.Model, reference, referenceLabels, train, stripPool, settings);
            foreach (double share in settings.MixedShares)
            {
                int falseCount = Math.Min(stripFlags.Length, (int)Math.Round(share * settings.Flags));
                var mixed = Concat(BatchSlicing.Slice(triggered, 0, settings.Flags - falseCount), Images(stripFlags.Take(falseCount)));
                Case(backdoor.Name, backdoor.Model, true, $"true + {falseCount} STRIP false positives", mixed, backdoor);
            }
        }
        return cases;
    }

    /// <summary>The rows of <paramref name="candidates"/> (training images) that STRIP, calibrated on the clean reference at the study's false-positive rate, flags.</summary>
    public static int[] StripFalsePositives(ILayeredModel model, FloatBatch reference, int[] labels, ImageDataset train, int[] candidates, FalseFlagStudySettings settings)
    {
        using var strip = InputDetectors.Create(Strip.DefenseName);
        var threshold = DetectorThreshold.Calibrate(strip.Calibrate(model, reference, labels, settings.Seed), settings.StripFalsePositiveRate);
        var flagged = threshold.Flags(strip.Score(ImageBatches.From(train, candidates)));
        return candidates.Where((_, i) => flagged[i]).ToArray();
    }

    private static FloatBatch Concat(FloatBatch a, FloatBatch b) => new([.. a.Data, .. b.Data], [a.Count + b.Count, .. a.SampleShape]);

    private static FalseFlagCase Measure(string modelName, ILayeredModel model, bool backdoored, string family, FloatBatch flags,
        FloatBatch reference, int[] referenceLabels, BackdoorTestSet test, string triggerOf, FalseFlagStudySettings settings)
    {
        var clock = Stopwatch.StartNew();
        using var guard = new FireGuard(model, settings.Fire with { CaptureLevel = 0 });
        guard.FitClean(reference, referenceLabels);
        guard.Observe(flags);
        var plan = guard.Plan;
        var selection = plan.Selection;
        var capture = selection?.Capture is { } measured ? measured with { Level = settings.CaptureLevel } : null;
        bool repairedBefore = !plan.IsEmpty, repairedNow = repairedBefore && capture?.InertPattern != true;

        int[] cleanModel = ModelPredictions.Predict(model, test.Clean), triggeredModel = ModelPredictions.Predict(model, test.Poisoned);
        int[] cleanGuard = guard.Predict(test.Clean).Labels, triggeredGuard = guard.Predict(test.Poisoned).Labels;
        var undefended = Metrics(test, cleanModel, triggeredModel);
        var before = Metrics(test, cleanGuard, triggeredGuard);
        return new FalseFlagCase(modelName, family, backdoored, flags.Count, plan.EstimatedTarget,
            ModelPredictions.Predict(model, flags).Count(l => l == plan.EstimatedTarget), plan.ToString(), repairedBefore, repairedNow,
            Changed(cleanModel, cleanGuard), cleanModel.Length, Changed(triggeredModel, triggeredGuard), triggeredModel.Length, triggerOf,
            undefended, before, repairedNow ? before : undefended, selection?.TargetLikeness, capture, clock.Elapsed.TotalSeconds);
    }

    private static BackdoorMetrics Metrics(BackdoorTestSet test, int[] clean, int[] triggered) =>
        BackdoorMetrics.Compute(clean, test.CleanLabels, triggered, test.PoisonedLabels, test.Target);

    private static int Changed(int[] a, int[] b) => a.Zip(b).Count(p => p.First != p.Second);


    /// <summary>One line per case: the decision before and now, what the plan before changed, and the capture test's strongest layer.</summary>
    public static string Describe(FalseFlagCase c)
    {
        string capture = c.Capture?.Strongest is { } l ? $"{l.Layer}: {l.CapturedCarriers} captured / {l.UncapturedCarriers} not, p = {l.PValue:0.####}" : "not run";
        return $"target {c.EstimatedTarget} ({c.Captured}/{c.Flags}); before: {(c.RepairedBefore ? "repair" : "none")}, now: {(c.RepairedNow ? "repair" : "none")}; " +
               $"changed {c.CleanChanged}/{c.CleanCount} clean, {c.TriggeredChanged}/{c.TriggeredCount} triggered ({c.TriggerOf}); " +
               $"CA {c.Undefended.CleanAccuracy:P2} -> {c.Before.CleanAccuracy:P2} before, ASR {c.Undefended.AttackSuccessRate:P1} -> {c.Before.AttackSuccessRate:P1}, " +
               $"PA {c.Undefended.PoisonedAccuracy:P1} -> {c.Before.PoisonedAccuracy:P1}; capture test {capture}; {c.Seconds:F0} s; plan: {c.PlanBefore}";
    }
}
