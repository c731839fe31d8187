using System.Text.Json.Nodes;
using Fire.Data;

namespace Fire.Training.Tests;

public class TrainingStateTests
{
    private static readonly TrainRecipe Recipe = new(Epochs: 2, BatchSize: 32, Seed: 4, Augmentation: new Augmentation(2, false), MaxTrainSamples: 160);

    private static TrainingState StateFor(string checkpointPath, ImageDataset train, JsonObject? extra = null)
    {
        using var probe = TrainerTests.NewNet(train, 0);
        return TrainingState.Beside(checkpointPath, CheckpointInfo.For(probe, "mnist", train, TestData.Mnist.Normalization) with { Extra = extra });
    }

    /// <summary>Trains with <paramref name="state"/> until the first epoch is saved, then stops as Ctrl+C would.</summary>
    private static void InterruptAfterFirstEpoch(ImageDataset train, TrainingState state)
    {
        using var net = TrainerTests.NewNet(train, Recipe.Seed);
        using var stop = new CancellationTokenSource();
        using var trainer = new Trainer(net, Recipe) { State = state, EpochCompleted = _ => stop.Cancel() };
        Assert.Throws<OperationCanceledException>(() => trainer.Fit(train, cancellation: stop.Token));
    }

    [Fact]
    public void A_training_stopped_after_an_epoch_continues_from_its_state_and_ends_as_an_uninterrupted_one()
    {
        var train = TestData.MnistTrain(192);
        using var folder = new TempFolder();
        var state = StateFor(folder.File("model.pt"), train);
        Assert.Equal(folder.File("model.pt") + ".training", state.Path);
        Assert.False(state.Exists);
        Assert.Null(state.EpochsDone);

        using var straight = TrainerTests.NewNet(train, Recipe.Seed);
        using (var trainer = new Trainer(straight, Recipe)) trainer.Fit(train);

        InterruptAfterFirstEpoch(train, state);
        Assert.Equal(1, state.EpochsDone);
        var saved = Checkpoint.ReadInfo(state.Path);
        Assert.True(saved.TrainingSeconds > 0);

        using var net = TrainerTests.NewNet(train, Recipe.Seed);
        using var continued = new Trainer(net, Recipe) { State = state };
        var result = continued.Fit(train);

        Assert.Equal(2, continued.EpochsDone);
        Assert.Equal(2, Assert.Single(result.Epochs).Epoch);
        Assert.Equal(TimeSpan.FromSeconds(saved.TrainingSeconds!.Value), result.EarlierDuration);
        Assert.Equal(result.EarlierDuration + result.Duration, result.TotalDuration);
        Assert.True(TrainerTests.SameState(straight, net));
        Assert.Equal(2, state.EpochsDone); // the last epoch is saved too, until the owner deletes the state

        state.Delete();
        Assert.False(state.Exists);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void A_state_saved_by_another_recipe_or_description_is_an_error_that_names_it()
    {
        var train = TestData.MnistTrain(192);
        using var folder = new TempFolder();
        var state = StateFor(folder.File("model.pt"), train, new JsonObject { ["attack"] = "badnets" });
        InterruptAfterFirstEpoch(train, state);

        using var net = TrainerTests.NewNet(train, Recipe.Seed);
        using (var other = new Trainer(net, Recipe with { Seed = 5 }) { State = state })
        {
            var e = Assert.Throws<InvalidDataException>(() => other.Fit(train));
            Assert.Contains(state.Path, e.Message);
            Assert.Contains("Seed = 5", e.Message);
            Assert.Contains("Delete it to start over", e.Message);
        }

        var otherAttack = StateFor(folder.File("model.pt"), train, new JsonObject { ["attack"] = "blended" });
        using (var trainer = new Trainer(net, Recipe) { State = otherAttack })
        {
            var e = Assert.Throws<InvalidDataException>(() => trainer.Fit(train));
            Assert.Contains("another attack or description", e.Message);
        }
        Assert.Equal(1, state.EpochsDone); // an error leaves the state as it was
    }

    [Fact]
    public void Weights_load_into_a_net_only_when_the_architecture_and_classes_match()
    {
        var train = TestData.MnistTrain(64);
        using var folder = new TempFolder();
        using var source = TrainerTests.NewNet(train, 1);
        Checkpoint.Save(source, CheckpointInfo.For(source, "mnist", train, TestData.Mnist.Normalization), folder.File("a.pt"));

        using var target = TrainerTests.NewNet(train, 2);
        var before = target.parameters().ToList();
        Checkpoint.LoadInto(target, folder.File("a.pt"));
        Assert.True(TrainerTests.SameState(source, target));
        Assert.True(before.Zip(target.parameters()).All(pair => ReferenceEquals(pair.First, pair.Second))); // an optimizer's tensors stay valid

        using var other = Trainer.CreateModel("resnet20", train, TestData.Mnist.Normalization, 0);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadInto(other, folder.File("a.pt")));
        Assert.Contains("holds small-cnn", e.Message);
    }

    [Fact]
    public void A_training_state_with_bytes_left_over_is_an_error()
    {
        var train = TestData.MnistTrain(192);
        using var folder = new TempFolder();
        var state = StateFor(folder.File("model.pt"), train);
        InterruptAfterFirstEpoch(train, state);
        File.AppendAllText(state.Path + Checkpoint.OptimizerSuffix, "extra");

        using var net = TrainerTests.NewNet(train, Recipe.Seed);
        using var trainer = new Trainer(net, Recipe) { State = state };
        var e = Assert.Throws<InvalidDataException>(() => trainer.Fit(train));
        Assert.Contains("5 bytes are left over", e.Message);
    }
}
