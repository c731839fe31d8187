using System.Diagnostics;
using Fire.Attacks;
using Fire.Data;
using Fire.Defenses.Baselines;
using Fire.Guard;
using Fire.Evaluation.Latency;
using Fire.Evaluation.Metrics;
using Fire.Evaluation.Repair;
using Fire.Engines.Torch;

namespace Fire.Evaluation.Benchmark;

/// <summary>
/// A backdoored model (any engine) with its trigger and the data its cells share: the evaluation sets (test split only,
/// <see cref="BackdoorTestSet"/>) and the defender's data (training split only, <see cref="DefenderSamples"/>), both
/// seeded with the group's seed. Baselines are fitted on a <see cref="DefenseContext"/> and measured here; FIRE cells
/// run <see cref="FireExperiment"/>, which draws the same samples and test sets and measures the streaming curve.
/// </summary>
internal sealed class PreparedModel : IPreparedModel
{
    private const string Undefended = "undefended";

    private readonly ILayeredModel _model;
    private readonly ITrigger _trigger;
    private readonly int _target;
    private readonly IDisposable? _owned;
    private readonly DataSplit _split;
    private readonly BenchmarkRecipe _recipe;
    private readonly int _seed;
    private readonly Lazy<BackdoorTestSet> _testSet;
    private readonly Lazy<DefenderSamples> _samples;

    /// <param name="owned">Disposed with this (the model's checkpoint); null when the caller keeps the model.</param>
    public PreparedModel(ILayeredModel model, ITrigger trigger, int target, string? modelKey, DataSplit split, BenchmarkRecipe recipe, int seed, IDisposable? owned)
    {
        _model = model;
        _trigger = trigger;
        _target = target;
        _owned = owned;
        _split = split;
        _recipe = recipe;
        _seed = seed;
        ModelKey = modelKey;
        _testSet = new(() => new BackdoorTestSet(split.Test, trigger, target, recipe.TestSubset, seed));
        _samples = new(() => DefenderSamples.Draw(split.Train, trigger, target, recipe.CleanReference, recipe.Observed, seed));
    }

    /// <summary>A model trained (or reused) by the benchmark: the checkpoint's net, trigger and target; the checkpoint is disposed with it.</summary>
    public static PreparedModel Of(BackdoorCheckpoint checkpoint, string modelKey, DataSplit split, BenchmarkRecipe recipe, int seed) =>
        new(new TorchLayeredModel(checkpoint.Net), checkpoint.Trigger, checkpoint.Target, modelKey, split, recipe, seed, checkpoint);

    public string? ModelKey { get; }

    public CellMeasurement Run(BenchmarkDefense defense, Action<string> status, CancellationToken cancellation) =>
        defense.IsFire ? RunFire(defense, status) : RunBaseline(defense, status);

    private CellMeasurement RunBaseline(BenchmarkDefense setting, Action<string> status)
    {
        var testSet = _testSet.Value;
        var samples = _samples.Value;
        using var defense = setting.CreateBaseline();
        status($"fitting {setting.Name}");
        var clock = Stopwatch.StartNew();
        defense.Fit(new DefenseContext(_model, samples.Clean, samples.CleanLabels, samples.Poisoned, Seed: _seed));
        double fitSeconds = clock.Elapsed.TotalSeconds;

        status($"predicting {testSet.Clean.Count:N0} clean and {testSet.Poisoned.Count:N0} poisoned test images");
        var clean = defense.Predict(testSet.Clean);
        var poisoned = defense.Predict(testSet.Poisoned);
        var metrics = BackdoorMetrics.Compute(clean.Labels, testSet.CleanLabels, poisoned.Labels, testSet.PoisonedLabels, testSet.Target);
        double? auroc = clean.Scores is not null && poisoned.Scores is not null ? Auroc.Compute(clean.Scores, poisoned.Scores) : null;

        status($"timing at batch 1 and 128 against the undefended model");
        var latency = new LatencyComparison(_recipe.Latency).Run(
            new LatencyCandidate(Undefended, images => ModelPredictions.Predict(_model, images)),
            [new LatencyCandidate(setting.Name, images => defense.Predict(images).Labels)], testSet.Clean);
        return new CellMeasurement(metrics, setting.ObservedCount(_recipe), fitSeconds, CellLatency.From(latency, setting.Name), auroc);
    }

    private CellMeasurement RunFire(BenchmarkDefense setting, Action<string> status)
    {
        var settings = new FireExperimentSettings
        {
            Observed = setting.ObservedCount(_recipe),
            Paired = setting.Paired,
            CleanCount = _recipe.CleanReference,
            TestLimit = _recipe.TestSubset,
            Seed = _seed,
            Fire = setting.FireOptions(_seed),
            StreamingPoints = setting.HasStreamingCurve ? _recipe.StreamingPoints : [],
            MeasureLatency = true,
            Latency = _recipe.Latency,
        };
        var result = FireExperiment.Run(_model, _split.Train, _split.Test, _trigger, _target, settings,
            new StatusProgress(status));
        return new CellMeasurement(result.Defended, result.Observed, FitSeconds: null,
            CellLatency.From(result.Latency!, FireExperiment.FireName), Streaming: setting.HasStreamingCurve ? result.Streaming : null, Plan: result.Plan);
    }

    public void Dispose()
    {
        if (_owned is null) return; // the caller's model, used by every group
        _model.Dispose();
        _owned.Dispose();
    }
}
