namespace Fire.Core;

/// <summary>
/// A defense that runs at inference time around a deployed model: fitted once from what a defender has
/// (a clean labelled reference set and the poisoned samples observed so far), then asked for predictions.
/// </summary>
public interface IRuntimeDefense : IDisposable
{
    string Name { get; }
    void Fit(DefenseContext context);
    DefensePrediction Predict(FloatBatch images);
}

/// <summary>
/// What a defender holds. <see cref="ObservedPoisoned"/> may be empty (defenses that need none);
/// <see cref="PairedClean"/>, when given, holds the clean originals of the observed poisoned samples, row by row.
/// </summary>
public sealed record DefenseContext(
    ILayeredModel Model,
    FloatBatch CleanReference,
    int[] CleanLabels,
    FloatBatch ObservedPoisoned,
    FloatBatch? PairedClean = null,
    int Seed = 0);

/// <summary>Predicted labels (-1 where the defense abstains) and, for detectors, a score per sample (higher = more suspicious).</summary>
public sealed record DefensePrediction(int[] Labels, float[]? Scores = null)
{
    public const int Abstain = -1;
}
