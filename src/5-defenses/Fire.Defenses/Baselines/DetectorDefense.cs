namespace Fire.Defenses.Baselines;

/// <summary>
/// A detector of triggered inputs as a runtime baseline: calibrated on the clean reference only, its threshold set at
/// <see cref="FalsePositiveRate"/> of the clean reference's own scores (<see cref="DetectorThreshold"/>); it abstains
/// (label -1) on inputs whose score lies strictly above the threshold and returns the model's own prediction otherwise.
/// <see cref="DefensePrediction.Scores"/> holds the detector's scores (higher = more suspicious).
/// </summary>
public sealed class DetectorDefense : IRuntimeDefense
{
    public const double DefaultFalsePositiveRate = 0.05;

    private readonly IInputDetector _detector;
    private Fitted? _fitted;

    /// <param name="detector">Owned by this defense and disposed with it.</param>
    public DetectorDefense(IInputDetector detector, double falsePositiveRate = DefaultFalsePositiveRate)
    {
        _detector = detector ?? throw new ArgumentNullException(nameof(detector));
        if (!(falsePositiveRate is >= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(falsePositiveRate), $"{detector.Name}: a false-positive rate lies in [0, 1), got {falsePositiveRate}.");
        FalsePositiveRate = falsePositiveRate;
    }

    public string Name => _detector.Name;
    public double FalsePositiveRate { get; }
    public IInputDetector Detector => _detector;

    /// <summary>The calibrated threshold; set by <see cref="Fit"/>.</summary>
    public DetectorThreshold Threshold => DefenseInputs.Fitted(Name, _fitted).Threshold;

    private sealed record Fitted(ILayeredModel Model, DetectorThreshold Threshold);

    public void Fit(DefenseContext context)
    {
        DefenseInputs.CheckContext(Name, context, minimumClean: 1);
        var cleanScores = _detector.Calibrate(context.Model, context.CleanReference, context.CleanLabels, context.Seed);
        _fitted = new Fitted(context.Model, DetectorThreshold.Calibrate(cleanScores, FalsePositiveRate));
    }

    public DefensePrediction Predict(FloatBatch images)
    {
        var fitted = DefenseInputs.Fitted(Name, _fitted);
        DefenseInputs.CheckImages(Name, fitted.Model, images, "input batch");
        var scores = _detector.Score(images);
        var labels = ModelPredictions.Predict(fitted.Model, images);
        for (int n = 0; n < labels.Length; n++)
            if (fitted.Threshold.Flags(scores[n])) labels[n] = DefensePrediction.Abstain;
        return new DefensePrediction(labels, scores);
    }

    public void Dispose() => _detector.Dispose();
}
