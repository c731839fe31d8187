using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Training;

namespace Fire.Attacks.Tests;

/// <summary>A short real attack: BadNets on 2,000 MNIST images, saved and loaded back.</summary>
[Trait(TestCategories.Name, TestCategories.Slow)]
public sealed class EndToEndTests
{
    [Fact]
    public void BadNetsOnAnMnistSubsetReachesAtLeast90PercentAsrAndReloadsExactly()
    {
        using var folder = new TempFolder();
        var mnist = TestData.Mnist;
        var split = new DataSplit(mnist.Train, mnist.Test.Subset(Enumerable.Range(0, 2000).ToArray(), "mnist/test[0..2000]"), mnist.Normalization);
        var attack = AttackCatalog.Create("badnets", new AttackOptions { Shape = ImageShape.Of(split.Train) });
        var recipe = new TrainRecipe(Epochs: 2, BatchSize: 32, MaxTrainSamples: 2000, Augmentation: Datasets.DefaultAugmentation("mnist"));
        string path = folder.File("badnets.pt");

        var run = BackdoorTraining.Run("mnist", split, "small-cnn", attack, recipe, path);
        using var net = run.Net;
        Assert.Equal(new PoisoningSummary(2000, 200, 200), attack.Spec.Poisoning);
        Assert.True(run.Metrics.AttackSuccessRate >= 0.90, $"ASR {run.Metrics.AttackSuccessRate:P2}");
        Assert.True(run.Metrics.CleanAccuracy >= 0.80, $"CA {run.Metrics.CleanAccuracy:P2}");
        Assert.Equal(1 - run.Metrics.AttackSuccessRate, run.Metrics.PoisonedAccuracy, 0.1);

        using var loaded = BackdoorCheckpoint.Load(path);
        Assert.Equal(0, loaded.Target);
        Assert.Equal("badnets", loaded.Spec.Attack);
        Assert.Equal(run.Metrics, AttackMetrics.From(loaded.Info.Metrics));
        Assert.Equal(run.Metrics, AttackMetrics.Measure(loaded.Net, split.Test, loaded.Trigger, loaded.Target));
    }
}
