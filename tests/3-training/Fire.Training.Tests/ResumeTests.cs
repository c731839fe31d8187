using Fire.Data;

namespace Fire.Training.Tests;

[Trait(TestCategories.Name, TestCategories.Slow)]
public class ResumeTests
{
    [Fact]
    public void One_epoch_then_a_resumed_epoch_equals_two_epochs_straight()
    {
        var train = TestData.MnistTrain(192);
        var recipe = new TrainRecipe(Epochs: 2, BatchSize: 32, Seed: 9, Augmentation: new Augmentation(2, false), MaxTrainSamples: 160);
        using var folder = new TempFolder();
        string path = folder.File("run.pt");

        using var straight = TrainerTests.NewNet(train, recipe.Seed);
        using (var trainer = new Trainer(straight, recipe)) trainer.Fit(train);

        // Interrupted after the first epoch, as Ctrl+C would: the epoch's checkpoint is all that remains.
        using (var net = TrainerTests.NewNet(train, recipe.Seed))
        using (var stop = new CancellationTokenSource())
        {
            Trainer trainer = null!;
            trainer = new Trainer(net, recipe)
            {
                EpochCompleted = _ =>
                {
                    Checkpoint.Save(net, CheckpointInfo.For(net, "mnist", train, TestData.Mnist.Normalization), path, trainer);
                    stop.Cancel();
                },
            };
            using (trainer) Assert.Throws<OperationCanceledException>(() => trainer.Fit(train, cancellation: stop.Token));
        }

        var (resumed, info) = Checkpoint.Load(path);
        using var owned = resumed;
        Assert.Equal(1, info.EpochsDone);
        Assert.Equal(recipe, info.Recipe);
        using var continued = new Trainer(resumed, info.Recipe!);
        continued.ContinueFrom(info, path);
        var result = continued.Fit(train);

        Assert.Equal(2, continued.EpochsDone);
        Assert.Single(result.Epochs);
        Assert.True(TrainerTests.SameState(straight, resumed));
    }

    [Fact]
    public void A_finished_checkpoint_cannot_be_resumed()
    {
        var train = TestData.MnistTrain(64);
        var recipe = new TrainRecipe(1, BatchSize: 32);
        using var folder = new TempFolder();
        using var net = TrainerTests.NewNet(train, 0);
        var info = CheckpointInfo.For(net, "mnist", train, TestData.Mnist.Normalization, recipe) with { EpochsDone = 1 };
        Checkpoint.Save(net, info, folder.File("done.pt"));
        using var trainer = new Trainer(net, recipe);
        var e = Assert.Throws<InvalidDataException>(() => trainer.ContinueFrom(Checkpoint.ReadInfo(folder.File("done.pt")), folder.File("done.pt")));
        Assert.Contains("done.pt", e.Message);
    }
}
