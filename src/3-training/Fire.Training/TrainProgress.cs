namespace Fire.Training;

/// <summary>A training step's report: epochs and steps count from 1; loss and accuracy are running means over the epoch.</summary>
public sealed record TrainProgress(
    int Epoch, int Epochs, int Step, int StepsPerEpoch,
    double Loss, double Accuracy, double LearningRate, double ImagesPerSecond, TimeSpan Eta);

/// <summary>One finished epoch. <see cref="ValidationAccuracy"/> is null when no validation set was given.</summary>
public sealed record EpochSummary(
    int Epoch, int Epochs, double Loss, double Accuracy, double? ValidationAccuracy,
    double ImagesPerSecond, TimeSpan Duration);

/// <summary>
/// The epochs a <see cref="Trainer.Fit"/> call ran (after a resume, only the ones it ran itself), and the time the
/// epochs before the resume took (<see cref="EarlierDuration"/>, zero without one).
/// </summary>
public sealed record TrainResult(IReadOnlyList<EpochSummary> Epochs, long Images, TimeSpan Duration)
{
    public TimeSpan EarlierDuration { get; init; }
    /// <summary>The whole training's time, across resumes.</summary>
    public TimeSpan TotalDuration => EarlierDuration + Duration;

    public double ImagesPerSecond => Duration > TimeSpan.Zero ? Images / Duration.TotalSeconds : 0;
    public EpochSummary? Last => Epochs.Count > 0 ? Epochs[^1] : null;
}
