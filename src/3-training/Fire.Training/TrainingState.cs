using System.Text.Json.Nodes;
using Fire.Engines.Torch;

namespace Fire.Training;

/// <summary>
/// Where a long training saves itself after every epoch, so that a run stopped by a crash or Ctrl+C continues from
/// its last finished epoch when started again instead of from scratch: a checkpoint with its training state
/// (<see cref="Checkpoint.Save"/> with an <see cref="IResumableTraining"/>) at <see cref="Path"/>, described by
/// <paramref name="info"/> (data set, classes, normalisation). Because trainings are seeded per epoch, the continued
/// run ends with the model an uninterrupted one would have. A saved state continues only the same training: the same
/// recipe, architecture and classes, and the same <see cref="CheckpointInfo.Attack"/> and <see cref="CheckpointInfo.Extra"/>
/// (a backdoor's specification, for instance). The owner deletes the state once the finished model is saved.
/// </summary>
public sealed class TrainingState(string path, CheckpointInfo info)
{
    /// <summary>Appended to a checkpoint's path to name the state of the training that will write it.</summary>
    public const string Suffix = ".training";

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The state of the training whose finished model will be saved at <paramref name="checkpointPath"/>.</summary>
    public static TrainingState Beside(string checkpointPath, CheckpointInfo info) => new(PathBeside(checkpointPath), info);

    public static string PathBeside(string checkpointPath) => System.IO.Path.GetFullPath(checkpointPath) + Suffix;

    /// <summary>Whether a state is saved (its files are committed as one unit; a save a killed run committed is completed first).</summary>
    public bool Exists
    {
        get
        {
            AtomicFile.Recover(Checkpoint.Files(Path));
            return File.Exists(Path) && File.Exists(Checkpoint.SidecarPath(Path));
        }
    }

    /// <summary>The epochs the saved state holds, or null when there is none.</summary>
    public int? EpochsDone => Exists ? Checkpoint.ReadInfo(Path).EpochsDone : null;

    public void Save(LayeredNet net, IResumableTraining training) => Checkpoint.Save(net, info, Path, training);

    /// <summary>
    /// When a state is saved, loads its weights into <paramref name="net"/> and continues <paramref name="training"/> from
    /// it, and returns true; returns false when there is none. A state that does not fit is an error that names it.
    /// </summary>
    public bool TryContinue(LayeredNet net, IResumableTraining training)
    {
        if (!Exists) return false;
        try
        {
            var saved = Checkpoint.ReadInfo(Path);
            if (!JsonNode.DeepEquals(saved.Attack, info.Attack) || !JsonNode.DeepEquals(saved.Extra, info.Extra))
                throw new InvalidDataException("it was saved by a training with another attack or description than this one.");
            Checkpoint.LoadInto(net, Path);
            training.ContinueFrom(saved, Path);
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException)
        {
            throw new InvalidDataException($"The saved training state '{Path}' cannot be continued: {e.Message} Delete it to start over.", e);
        }
    }

    /// <summary>Removes the saved state as one unit (a removal a killed run committed is completed by the next start).</summary>
    public void Delete() =>
        AtomicFile.WriteAll(Checkpoint.Files(Path).Select(file => (file, (Action<Stream>?)null)).ToList());
}
