namespace Fire.Training;

/// <summary>
/// A training that can stop between epochs and continue later exactly as if it had not stopped: <see cref="Checkpoint.Save"/>
/// with it writes its state beside the classifier's weights, <see cref="ContinueFrom"/> reads it back.
/// <see cref="Trainer"/> is one; an attack that trains more than the classifier (IAD's generator) is another.
/// </summary>
public interface IResumableTraining
{
    TrainRecipe Recipe { get; }
    /// <summary>Epochs completed so far, including those before a resume.</summary>
    int EpochsDone { get; }
    /// <summary>Time spent on the epochs done, including those before a resume.</summary>
    TimeSpan Elapsed { get; }

    /// <summary>Writes what the training needs besides the classifier's weights to continue: optimizer states, other networks.</summary>
    void SaveState(BinaryWriter writer);

    /// <summary>
    /// Continues the training described by <paramref name="info"/>, the sidecar of the checkpoint at <paramref name="checkpointPath"/>
    /// whose weights the classifier already holds: reads the state saved beside it and the epoch count.
    /// </summary>
    void ContinueFrom(CheckpointInfo info, string checkpointPath);
}
