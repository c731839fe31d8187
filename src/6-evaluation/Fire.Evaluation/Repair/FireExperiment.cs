using Fire.Attacks;
using Fire.Data;
using Fire.Defenses.Baselines;
using Fire.Guard;
using Fire.Evaluation.Latency;
using Fire.Evaluation.Metrics;

namespace Fire.Evaluation.Repair;

/// <summary>How FIRE is evaluated on one backdoored model.</summary>
public sealed record FireExperimentSettings
{
    /// <summary>Observed poisoned samples for the main result (k).</summary>
    public int Observed { get; init; } = 100;
    /// <summary>Paired estimation from (x, T(x)); otherwise unpaired.</summary>
    public bool Paired { get; init; }
    /// <summary>Size of the clean reference set (training split).</summary>
    public int CleanCount { get; init; } = 500;
    /// <summary>Evaluate on a seeded subset of this many test images (null: the whole test split).</summary>
    public int? TestLimit { get; init; }
    public int Seed { get; init; }
    public FireOptions Fire { get; init; } = new();
    /// <summary>For a model from outside Fire (ONNX): its normalisation and class names, recorded in the saved guard.</summary>
    public GuardModelInput? ModelInput { get; init; }
    /// <summary>The k of the streaming curve (empty: no curve).</summary>
    public IReadOnlyList<int> StreamingPoints { get; init; } = DefaultStreamingPoints;
    public bool MeasureLatency { get; init; } = true;
    public LatencyOptions Latency { get; init; } = new();
    /// <summary>Clean and poisoned test samples drawn in the latent projection.</summary>
    public int ProjectionSamples { get; init; } = 300;

    public static readonly int[] DefaultStreamingPoints = [1, 2, 5, 10, 20, 50, 100, 200];
}

/// <summary>The figures at one number of observed samples.</summary>
public sealed record StreamingPoint(int Observed, BackdoorMetrics Metrics, string Plan, int EstimatedTarget);

/// <summary>Everything one evaluation measured.</summary>
public sealed record FireExperimentResult(
    string TestSet,
    int Target,
    int Observed,
    bool Paired,
    BackdoorMetrics Undefended,
    BackdoorMetrics Defended,
    string Plan,
    SelectionReport? Selection,
    IReadOnlyList<StreamingPoint> Streaming,
    LatentProjection? Projection,
    LatencyReport? Latency);

/// <summary>
/// Runs FIRE on a backdoored model as the evaluation setting says: the defender's clean reference and observed
/// poisoned samples come from the training split (<see cref="DefenderSamples"/>), the figures from the test split
/// only (<see cref="BackdoorTestSet"/>). One guard observes the pool in order; at every streaming point (and at k)
/// the automatic choice runs on what was observed so far and the test figures are measured.
/// </summary>
public static class FireExperiment
{
    public const string FireName = "fire";

    public static FireExperimentResult Run(ILayeredModel model, ImageDataset train, ImageDataset test, ITrigger trigger, int target,
        FireExperimentSettings settings, IProgress<string>? progress = null, string? guardPath = null)
    {
        if (settings.Observed < 1) throw new ArgumentException($"--observed must be at least 1, got {settings.Observed}.");
        using var guard = new FireGuard(model, settings.Fire) { ModelInput = settings.ModelInput }; // checks layers and options before any long step
        var points = settings.StreamingPoints.Append(settings.Observed).Where(k => k >= 1).Distinct().Order().ToArray();
        progress?.Report($"Drawing {settings.CleanCount} clean and {points[^1]} poisoned training images (seed {settings.Seed}); building the test sets.");
        var samples = DefenderSamples.Draw(train, trigger, target, settings.CleanCount, points[^1], settings.Seed);
        var testSet = new BackdoorTestSet(test, trigger, target, settings.TestLimit, settings.Seed);

        Func<FloatBatch, int[]> undefendedPredict = images => ModelPredictions.Predict(model, images);
        var undefended = testSet.Measure(undefendedPredict);
        progress?.Report($"Undefended: {Describe(undefended)}.");

        guard.FitClean(samples.Clean, samples.CleanLabels);
        var curve = new List<StreamingPoint>();
        BackdoorMetrics? defended = null;
        LatentProjection? projection = null;
        LatencyReport? latency = null;
        RepairPlan? mainPlan = null;
        int observed = 0;
        foreach (int k in points)
        {
            var (originals, poisoned) = samples.Range(observed, k);
            if (settings.Paired) guard.ObservePairs(originals, poisoned);
            else guard.Observe(poisoned);
            observed = k;
            // The choice runs on everything observed so far (Observe already ran it when k doubled).
            var plan = settings.Fire.FixedPlan is not null || guard.Plan.Selection?.ObservedCount == k ? guard.Plan : guard.Reselect();
            var metrics = testSet.Measure(images => guard.Predict(images).Labels);
            progress?.Report($"k = {k}: {Describe(metrics)}; {plan}.");
            if (settings.StreamingPoints.Contains(k)) curve.Add(new StreamingPoint(k, metrics, plan.ToString(), plan.EstimatedTarget));
            if (k != settings.Observed) continue;
            defended = metrics;
            mainPlan = plan;
            if (guardPath is not null) guard.Save(guardPath);
            projection = Project(model, guard, plan, testSet, settings.ProjectionSamples);
            if (settings.MeasureLatency)
            {
                progress?.Report("Timing the undefended model and FIRE at batch 1 and 128 (interleaved).");
                latency = new LatencyComparison(settings.Latency).Run(new LatencyCandidate("undefended", undefendedPredict),
                    [new LatencyCandidate(FireName, images => guard.Predict(images).Labels)], testSet.Clean);
            }
        }
        return new FireExperimentResult(testSet.Name, target, settings.Observed, settings.Paired, undefended, defended!, mainPlan!.ToString(),
            mainPlan.Selection, curve, projection, latency);
    }

    public static string Describe(BackdoorMetrics m) => $"CA {m.CleanAccuracy:P1}, ASR {m.AttackSuccessRate:P1}, PA {m.PoisonedAccuracy:P1}";

    private static LatentProjection Project(ILayeredModel model, FireGuard guard, RepairPlan plan, BackdoorTestSet testSet, int count)
    {
        var repair = plan.Repairs.OrderBy(r => model.LayerNames.ToList().IndexOf(r.Layer)).FirstOrDefault();
        var direction = repair?.Direction ?? guard.Direction(guard.Layers[^1]);
        FloatBatch First(FloatBatch batch) => BatchSlicing.Slice(batch, 0, Math.Min(count, batch.Count));
        return LatentProjection.Compute(model, direction, repair, First(testSet.Clean), First(testSet.Poisoned));
    }
}
