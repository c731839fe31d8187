using Fire.Attacks;
using Fire.Defenses.Baselines;
using Fire.Evaluation.Metrics;
using Fire.Evaluation.Repair;

namespace Fire.Evaluation.Probes;

/// <summary>
/// A model's figures on a test set after a benign transform of every image: CA and clean to target on the clean
/// images (the share of other classes' images predicted as the target: a backdoor firing without its trigger), ASR and
/// PA on the triggered ones (whether the trigger survives the transform).
/// </summary>
public sealed record ProbeResult(string Transform, double CleanAccuracy, double CleanToTarget, double AttackSuccessRate, double PoisonedAccuracy);

public static class TransformProbe
{
    public static ProbeResult Measure(ILayeredModel model, BackdoorTestSet set, BenignTransform transform) =>
        Measure([model], set, transform)[0];

    /// <summary>The figures of each model, on the test set transformed once for all of them.</summary>
    public static IReadOnlyList<ProbeResult> Measure(IReadOnlyList<ILayeredModel> models, BackdoorTestSet set, BenignTransform transform)
    {
        var cleanImages = transform.Apply(set.Clean);
        var poisonedImages = transform.Apply(set.Poisoned);
        return models.Select(model =>
        {
            var clean = ModelPredictions.Predict(model, cleanImages);
            var poisoned = ModelPredictions.Predict(model, poisonedImages);
            var figures = BackdoorMetrics.Compute(clean, set.CleanLabels, poisoned, set.PoisonedLabels, set.Target);
            return new ProbeResult(transform.Name, figures.CleanAccuracy, figures.CleanToTarget!.Value,
                figures.AttackSuccessRate, figures.PoisonedAccuracy);
        }).ToArray();
    }
}
