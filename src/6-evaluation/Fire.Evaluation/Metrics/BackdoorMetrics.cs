namespace Fire.Evaluation.Metrics;

/// <summary>
/// BackdoorBench's figures. CA: accuracy on the clean test set. ASR: share of the poisoned test set (non-target
/// classes, triggered) predicted as the target. PA (BackdoorBench's RA): share of the poisoned test set
/// predicted as its true class. Abstentions (label -1) count as neither correct nor target, and are reported.
/// <paramref name="CleanToTarget"/>: share of the clean test images of the other classes predicted as the target, the
/// rate at which the classifier reaches the target with no trigger at all. It is ASR's floor for a defense that restores
/// the model's clean behaviour: a model that sends 5% of clean images to the target will send about as many triggered ones
/// there once the trigger is undone. Null where not measured (results written before it existed).
/// </summary>
public sealed record BackdoorMetrics(double CleanAccuracy, double AttackSuccessRate, double PoisonedAccuracy,
    double CleanAbstentionRate = 0, double PoisonedAbstentionRate = 0, double? CleanToTarget = null)
{
    public static double Accuracy(IReadOnlyList<int> predicted, IReadOnlyList<int> truth) =>
        Share(predicted, truth, (p, t) => p == t);

    public static BackdoorMetrics Compute(IReadOnlyList<int> cleanPredicted, IReadOnlyList<int> cleanTruth,
        IReadOnlyList<int> poisonedPredicted, IReadOnlyList<int> poisonedTruth, int target) => new(
        Accuracy(cleanPredicted, cleanTruth),
        Share(poisonedPredicted, poisonedTruth, (p, _) => p == target),
        Accuracy(poisonedPredicted, poisonedTruth),
        Share(cleanPredicted, cleanTruth, (p, _) => p < 0),
        Share(poisonedPredicted, poisonedTruth, (p, _) => p < 0),
        Fire.Attacks.AttackMetrics.ShareSentTo(cleanPredicted, cleanTruth, target));

    private static double Share(IReadOnlyList<int> predicted, IReadOnlyList<int> truth, Func<int, int, bool> counts)
    {
        if (predicted.Count != truth.Count)
            throw new ArgumentException($"{predicted.Count} predictions for {truth.Count} labels.");
        if (predicted.Count == 0) return double.NaN;
        int hits = 0;
        for (int i = 0; i < predicted.Count; i++) if (counts(predicted[i], truth[i])) hits++;
        return (double)hits / predicted.Count;
    }
}
