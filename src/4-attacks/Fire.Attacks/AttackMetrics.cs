using Fire.Data;
using Fire.Engines.Torch;
using Fire.Training;

namespace Fire.Attacks;

/// <summary>
/// A backdoored model's figures, BackdoorBench's definitions: CA = accuracy on the clean test set; on the poisoned
/// test set (non-target test images with the trigger, stored as bytes) ASR = share predicted as the target and
/// PA (BackdoorBench's RA) = share predicted as the true class. <paramref name="CleanToTarget"/>: share of the clean
/// test images of the other classes predicted as the target, the backdoor firing without its trigger (the part of a
/// CA loss that the backdoor itself causes); null where not measured, as in checkpoints written before it existed.
/// </summary>
public sealed record AttackMetrics(double CleanAccuracy, double AttackSuccessRate, double PoisonedAccuracy, double? CleanToTarget = null)
{
    /// <summary>Keys in a checkpoint's metrics.</summary>
    public const string CleanKey = "clean_accuracy", AsrKey = "attack_success_rate", PaKey = "poisoned_accuracy", CleanToTargetKey = "clean_to_target";

    public static AttackMetrics Measure(LayeredNet net, ImageDataset test, ITrigger trigger, int target)
    {
        var poisoned = PoisonedSets.PoisonedTestSet(test, trigger, target);
        return Of(Evaluator.Predict(net, test), test.Labels, Evaluator.Predict(net, poisoned), poisoned.Labels, target);
    }

    /// <summary>The figures of any classifier (a defended one too) from its predictions on the clean and the poisoned test sets.</summary>
    public static AttackMetrics Of(IReadOnlyList<int> clean, IReadOnlyList<int> cleanLabels, IReadOnlyList<int> poisoned,
        IReadOnlyList<int> poisonedLabels, int target) => new(
        Evaluator.Accuracy(clean, cleanLabels),
        Evaluator.Accuracy(poisoned, Enumerable.Repeat(target, poisoned.Count).ToArray()),
        Evaluator.Accuracy(poisoned, poisonedLabels),
        ShareSentTo(clean, cleanLabels, target));

    /// <summary>Of the images whose true class is not <paramref name="target"/>, the share predicted as it (0 if there are none).</summary>
    public static double ShareSentTo(IReadOnlyList<int> predicted, IReadOnlyList<int> truth, int target)
    {
        if (predicted.Count != truth.Count) throw new ArgumentException($"{predicted.Count} predictions for {truth.Count} labels.");
        var others = Enumerable.Range(0, truth.Count).Where(i => truth[i] != target).ToArray();
        return others.Length == 0 ? 0 : others.Count(i => predicted[i] == target) / (double)others.Length;
    }

    public Dictionary<string, double> ToDictionary()
    {
        var figures = new Dictionary<string, double> { [CleanKey] = CleanAccuracy, [AsrKey] = AttackSuccessRate, [PaKey] = PoisonedAccuracy };
        if (CleanToTarget is double share) figures[CleanToTargetKey] = share;
        return figures;
    }

    /// <summary>The figures stored in a checkpoint's metrics, or null if it holds none.</summary>
    public static AttackMetrics? From(IReadOnlyDictionary<string, double> metrics) =>
        metrics.TryGetValue(CleanKey, out double ca) && metrics.TryGetValue(AsrKey, out double asr) && metrics.TryGetValue(PaKey, out double pa)
            ? new AttackMetrics(ca, asr, pa, metrics.TryGetValue(CleanToTargetKey, out double share) ? share : null)
            : null;

    public override string ToString() =>
        $"CA {CleanAccuracy:P2}, ASR {AttackSuccessRate:P2}, PA {PoisonedAccuracy:P2}" + (CleanToTarget is double share ? $", clean to target {share:P2}" : "");
}
