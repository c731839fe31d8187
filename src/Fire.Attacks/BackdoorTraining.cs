using Fire.Attacks.Kinds;
using Fire.Data;
using Fire.Models;
using Fire.Training;

namespace Fire.Attacks;

/// <summary>The outcome of training one backdoored model.</summary>
public sealed record BackdoorRun(LayeredNet Net, CheckpointInfo Info, TrainResult Training, AttackMetrics Metrics, string CheckpointPath);

/// <summary>Trains a backdoored model from scratch, measures CA / ASR / PA on the test split, and saves it with its attack.</summary>
public static class BackdoorTraining
{
    /// <param name="dataset">The data set's name as recorded in the sidecar (e.g. "cifar10").</param>
    public static BackdoorRun Run(string dataset, DataSplit split, string architecture, BackdoorAttack attack, TrainRecipe recipe,
        string checkpointPath, AttackTrainingHooks? hooks = null)
    {
        recipe.Validate();
        var net = Trainer.CreateModel(architecture, split.Train, split.Normalization, recipe.Seed);
        try
        {
            var training = attack.Train(net, split.Train, recipe, hooks);
            var metrics = AttackMetrics.Measure(net, split.Test, attack.Trigger, attack.Target);
            var info = CheckpointInfo.For(net, dataset, split.Train, split.Normalization, recipe) with { EpochsDone = recipe.Epochs };
            if (training.Last is { } last) info.Metrics["train_accuracy"] = last.Accuracy;
            info.Metrics["train_seconds"] = training.Duration.TotalSeconds;
            var saved = BackdoorCheckpoint.Save(net, info, attack, metrics, checkpointPath);
            return new BackdoorRun(net, saved, training, metrics, Path.GetFullPath(checkpointPath));
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }
}
