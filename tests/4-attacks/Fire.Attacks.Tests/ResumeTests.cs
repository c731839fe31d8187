using Fire.Attacks;
using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Training;
using static TorchSharp.torch;

namespace Fire.Attacks.Tests;

/// <summary>
/// An attack's training stopped after its first epoch (as by Ctrl+C or a crash) continues from the state saved beside the
/// checkpoint and ends with the model, trigger and figures of an uninterrupted run. BadNets stands for the attacks that
/// poison the data before training, WaNet for those that poison batches on the fly, IAD for one that trains more networks.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Slow)]
public sealed class ResumeTests
{
    private static readonly TrainRecipe Recipe = new(Epochs: 2, BatchSize: 32, MaxTrainSamples: 600, Augmentation: Datasets.DefaultAugmentation("mnist"));

    private static DataSplit Split() => new(TestData.Mnist.Train, TestData.Mnist.Test.Subset(Enumerable.Range(0, 300).ToArray(), "mnist/test[0..300]"),
        TestData.Mnist.Normalization);

    private static BackdoorAttack NewAttack(string name, DataSplit split) =>
        AttackCatalog.Create(name, new AttackOptions { Shape = ImageShape.Of(split.Train), MaskEpochs = name == "iad" ? 1 : null });

    [Theory]
    [InlineData("badnets")]
    [InlineData("wanet")]
    [InlineData("iad")]
    public void An_interrupted_training_continues_from_its_last_epoch_and_ends_as_an_uninterrupted_one(string name)
    {
        using var folder = new TempFolder();
        var split = Split();
        var straight = BackdoorTraining.Run("mnist", split, "small-cnn", NewAttack(name, split), Recipe, folder.File("straight.pt"));
        using var straightNet = straight.Net;

        string path = folder.File("resumed.pt");
        using (var stop = new CancellationTokenSource())
        {
            var interrupt = new Progress(p => { if (p.Epoch == 2) stop.Cancel(); });
            Assert.Throws<OperationCanceledException>(() =>
                BackdoorTraining.Run("mnist", split, "small-cnn", NewAttack(name, split), Recipe, path, new AttackTrainingHooks(interrupt, Cancellation: stop.Token)));
        }
        Assert.False(File.Exists(path));
        Assert.Equal(1, Checkpoint.ReadInfo(TrainingState.PathBeside(path)).EpochsDone);

        var messages = new List<string>();
        var resumed = BackdoorTraining.Run("mnist", split, "small-cnn", NewAttack(name, split), Recipe, path, new AttackTrainingHooks(Status: messages.Add));
        using var resumedNet = resumed.Net;

        Assert.Contains($"continuing from epoch 1 saved in {TrainingState.PathBeside(path)}", messages);
        Assert.Equal(2, Assert.Single(resumed.Training.Epochs).Epoch);
        Assert.True(resumed.Training.EarlierDuration > TimeSpan.Zero);
        Assert.Equal(resumed.Training.TotalDuration.TotalSeconds, resumed.Info.Metrics["train_seconds"]);
        Assert.True(SameWeights(straightNet, resumedNet), "the resumed model differs from the uninterrupted one");
        Assert.Equal(straight.Metrics, resumed.Metrics);
        Assert.Equal(straight.Info.Attack!.ToJsonString().Replace("straight.pt", "resumed.pt"), resumed.Info.Attack!.ToJsonString()); // IAD: same network hash
        Assert.False(File.Exists(TrainingState.PathBeside(path)));
        // No state and no temporaries are left; the empty lock file stays on purpose (removing it would let two writers lock two files).
        Assert.Empty(Directory.GetFiles(folder.Path, "*.training*").Where(file => !file.EndsWith(".lock", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_state_saved_by_another_attack_is_an_error_and_stays()
    {
        using var folder = new TempFolder();
        var split = Split();
        string path = folder.File("model.pt");
        using (var stop = new CancellationTokenSource())
        {
            var interrupt = new Progress(p => { if (p.Epoch == 2) stop.Cancel(); });
            Assert.Throws<OperationCanceledException>(() =>
                BackdoorTraining.Run("mnist", split, "small-cnn", NewAttack("badnets", split), Recipe, path, new AttackTrainingHooks(interrupt, Cancellation: stop.Token)));
        }
        var blended = AttackCatalog.Create("blended", new AttackOptions { Shape = ImageShape.Of(split.Train) });
        var e = Assert.Throws<InvalidDataException>(() => BackdoorTraining.Run("mnist", split, "small-cnn", blended, Recipe, path));
        Assert.Contains(TrainingState.PathBeside(path), e.Message);
        Assert.Contains("another attack", e.Message);
        Assert.Equal(1, Checkpoint.ReadInfo(TrainingState.PathBeside(path)).EpochsDone);
    }

    private static bool SameWeights(Fire.Engines.Torch.LayeredNet a, Fire.Engines.Torch.LayeredNet b)
    {
        using var scope = NewDisposeScope();
        var x = a.state_dict();
        var y = b.state_dict();
        return x.Count == y.Count && x.All(kv => y.TryGetValue(kv.Key, out var other) && kv.Value.eq(other).all().item<bool>());
    }

    /// <summary>Reports on the training thread (System.Progress would post them to the thread pool, too late to stop an epoch).</summary>
    private sealed class Progress(Action<TrainProgress> report) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) => report(value);
    }
}
