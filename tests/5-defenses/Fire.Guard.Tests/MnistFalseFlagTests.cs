using Fire.Attacks;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Training;
using Xunit.Abstractions;

namespace Fire.Guard.Tests;

/// <summary>A clean small-cnn trained as <see cref="MnistBackdoor"/>'s is (3 epochs, 4,000 MNIST training images), with no attack.</summary>
public sealed class MnistClean : IDisposable
{
    public MnistClean()
    {
        var split = Datasets.Load("mnist", DataLocator.Resolve(null));
        var net = Trainer.CreateModel(ModelZoo.Default, split.Train, split.Normalization, seed: 1);
        using (var trainer = new Trainer(net, new TrainRecipe(Epochs: 3, LearningRate: 0.05, Seed: 1, MaxTrainSamples: 4000))) trainer.Fit(split.Train);
        Model = new TorchLayeredModel(net, ownsNet: true);
    }

    public TorchLayeredModel Model { get; }

    public void Dispose() => Model.Dispose();
}

/// <summary>
/// End to end on MNIST: the BadNets patch on 100 non-target training images, given as flags. On the clean model the patch is an
/// inert pattern (the model predicts the flags' own digits; the "target" is the most frequent one, and most flags carrying the
/// patch are not predicted as it): the capture test finds it and nothing is repaired. On the backdoored model the same flags are
/// captured and the repair is made.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Slow)]
public class MnistFalseFlagTests(MnistBackdoor backdoor, MnistClean clean, ITestOutputHelper output) : IClassFixture<MnistBackdoor>, IClassFixture<MnistClean>
{
    [Fact]
    public void PatchFlagsOnACleanModelAreNotRepairedWhileOnTheBackdooredModelTheyAre()
    {
        var order = Enumerable.Range(0, backdoor.Train.Count).ToArray();
        new Random(5).Shuffle(order);
        var reference = order.Take(500).ToArray();
        var flagged = order.Skip(500).Where(i => backdoor.Train.Labels[i] != MnistBackdoor.Target).Take(100).ToArray();
        var referenceImages = ImageBatches.From(backdoor.Train, reference);
        var referenceLabels = reference.Select(i => backdoor.Train.Labels[i]).ToArray();
        var flags = backdoor.Trigger.Apply(ImageBatches.From(backdoor.Train, flagged));

        using var onClean = new FireGuard(clean.Model);
        onClean.FitClean(referenceImages, referenceLabels);
        onClean.Observe(flags);
        var falseSelection = onClean.Plan.Selection!;
        output.WriteLine($"clean model: {falseSelection}; capture {string.Join(", ", falseSelection.Capture?.Layers ?? [])}");
        Assert.True(onClean.Plan.IsEmpty, $"The clean model was repaired: {onClean.Plan}.");
        Assert.True(falseSelection.Capture!.InertPattern, $"Not judged inert: {falseSelection}.");
        var unchanged = backdoor.Measure(images => onClean.Predict(images).Labels);
        Assert.Equal(backdoor.Measure(images => ModelPredictions.Argmax(clean.Model.Forward(images))), unchanged);

        using var onBackdoor = new FireGuard(backdoor.Model);
        onBackdoor.FitClean(referenceImages, referenceLabels);
        onBackdoor.Observe(flags);
        var trueSelection = onBackdoor.Plan.Selection!;
        output.WriteLine($"backdoored model: {trueSelection}; capture {string.Join(", ", trueSelection.Capture?.Layers ?? [])}");
        Assert.False(trueSelection.Capture!.InertPattern);
        Assert.False(onBackdoor.Plan.IsEmpty);
        Assert.True(backdoor.Measure(images => onBackdoor.Predict(images).Labels).Asr <= 0.10, $"plan: {onBackdoor.Plan}.");
    }
}
