using Fire.Data;
using Fire.Engines.Torch;
using Fire.Training;

namespace Fire.Attacks;

/// <summary>The outcome of training one backdoored model.</summary>
public sealed record BackdoorRun(LayeredNet Net, CheckpointInfo Info, TrainResult Training, AttackMetrics Metrics, string CheckpointPath);

/// <summary>
/// Trains a backdoored model, measures CA / ASR / PA on the test split, and saves it with its attack. The training
/// saves itself after every epoch beside the checkpoint (<see cref="TrainingState.Beside"/>), so a run that stops (a crash, Ctrl+C) continues from its
/// last finished epoch when started again with the same attack and recipe; the state is removed once the model is saved.
/// </summary>
public static class BackdoorTraining
{
    /// <param name="dataset">The data set as the sidecar records it, to load it again: <see cref="Datasets.Reference"/>.</param>
    public static BackdoorRun Run(string dataset, DataSplit split, string architecture, BackdoorAttack attack, TrainRecipe recipe,
        string checkpointPath, AttackTrainingHooks? hooks = null)
    {
        recipe.Validate();
        var net = Trainer.CreateModel(architecture, split.Train, split.Normalization, recipe.Seed);
        try
        {
            var info = CheckpointInfo.For(net, dataset, split.Train, split.Normalization, recipe);
            var state = TrainingState.Beside(checkpointPath, info with { Attack = attack.Spec.ToJson() });
            using var writing = FileLock.Acquire(state.Path, TimeSpan.Zero); // one writer per training state
            if (state.EpochsDone is int done) hooks?.Status?.Invoke($"continuing from epoch {done} saved in {state.Path}");
            var training = attack.Train(net, split.Train, recipe, (hooks ?? new AttackTrainingHooks()) with { State = state });
            var metrics = AttackMetrics.Measure(net, split.Test, attack.Trigger, attack.Target);
            info = info with { EpochsDone = recipe.Epochs };
            if (training.Last is { } last) info.Metrics["train_accuracy"] = last.Accuracy;
            info.Metrics["train_seconds"] = training.TotalDuration.TotalSeconds;
            var saved = BackdoorCheckpoint.Save(net, info, attack, metrics, checkpointPath);
            state.Delete();
            return new BackdoorRun(net, saved, training, metrics, Path.GetFullPath(checkpointPath));
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }
}
