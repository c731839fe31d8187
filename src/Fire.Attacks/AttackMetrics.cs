using Fire.Attacks.Poisoning;
using Fire.Attacks.Triggers;
using Fire.Data;
using Fire.Models;
using Fire.Training;

namespace Fire.Attacks;

/// <summary>
/// A backdoored model's figures, BackdoorBench's definitions: CA = accuracy on the clean test set; on the poisoned
/// test set (non-target test images with the trigger, stored as bytes) ASR = share predicted as the target and
/// PA (BackdoorBench's RA) = share predicted as the true class.
/// </summary>
public sealed record AttackMetrics(double CleanAccuracy, double AttackSuccessRate, double PoisonedAccuracy)
{
    /// <summary>Keys in a checkpoint's metrics.</summary>
    public const string CleanKey = "clean_accuracy", AsrKey = "attack_success_rate", PaKey = "poisoned_accuracy";

    public static AttackMetrics Measure(LayeredNet net, ImageDataset test, ITrigger trigger, int target)
    {
        var poisoned = PoisonedSets.PoisonedTestSet(test, trigger, target);
        var predicted = Evaluator.Predict(net, poisoned);
        return new AttackMetrics(
            Evaluator.Accuracy(net, test),
            Evaluator.Accuracy(predicted, Enumerable.Repeat(target, predicted.Length).ToArray()),
            Evaluator.Accuracy(predicted, poisoned.Labels));
    }

    public Dictionary<string, double> ToDictionary() => new()
    {
        [CleanKey] = CleanAccuracy,
        [AsrKey] = AttackSuccessRate,
        [PaKey] = PoisonedAccuracy,
    };

    /// <summary>The figures stored in a checkpoint's metrics, or null if it holds none.</summary>
    public static AttackMetrics? From(IReadOnlyDictionary<string, double> metrics) =>
        metrics.TryGetValue(CleanKey, out double ca) && metrics.TryGetValue(AsrKey, out double asr) && metrics.TryGetValue(PaKey, out double pa)
            ? new AttackMetrics(ca, asr, pa)
            : null;

    public override string ToString() => $"CA {CleanAccuracy:P2}, ASR {AttackSuccessRate:P2}, PA {PoisonedAccuracy:P2}";
}
