namespace Fire.Training;

/// <summary>
/// Cosine annealing over all optimisation steps (not epochs): before step t of T (t = 0 .. T-1) the rate is
/// base * (1 + cos(pi t / T)) / 2, falling from base to near zero. This is the closed form of PyTorch's
/// CosineAnnealingLR (eta_min 0, T_max = T) stepped once per batch. Stepping per batch keeps the decay smooth for
/// the short CPU recipes, and a closed form gives exact values after a resume (no recurrence to replay).
/// </summary>
public static class CosineSchedule
{
    public const string Name = "cosine-per-step";

    public static double LearningRate(double baseRate, long step, long totalSteps)
    {
        if (totalSteps < 1) throw new ArgumentOutOfRangeException(nameof(totalSteps), $"A schedule needs at least one step, got {totalSteps}.");
        if (step < 0 || step >= totalSteps) throw new ArgumentOutOfRangeException(nameof(step), $"Step {step} is outside 0..{totalSteps - 1}.");
        return baseRate * (1 + Math.Cos(Math.PI * step / totalSteps)) / 2;
    }
}
