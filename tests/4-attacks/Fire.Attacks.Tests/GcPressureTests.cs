using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Training;

namespace Fire.Attacks.Tests;

/// <summary>
/// Training under a thread that forces a collection and runs the finalizers over and over: any temporary Scalar left on
/// a training path (TorchSharp 0.107 lets a finalizer free one mid-call, see HeldScalars) then crashes within seconds.
/// Before Fire held its Scalars, IAD failed this in 7 s and a plain SGD training in 8 s ("Expected false to be true" in toFloat);
/// it also found the last one, TorchSharp's square() (pow(2)), in IAD's diversity loss ("Unknown scalar type"), in one run of eight.
/// BadNets covers the trainer, SGD, batch norm and triggers; WaNet its batch transform; IAD Adam, the generator and its losses.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Slow)]
public sealed class GcPressureTests
{
    [Theory]
    [InlineData("badnets")]
    [InlineData("wanet")]
    [InlineData("iad")]
    public void Training_survives_collections_forced_throughout(string name)
    {
        using var folder = new TempFolder();
        var mnist = TestData.Mnist;
        var split = new DataSplit(mnist.Train, mnist.Test.Subset(Enumerable.Range(0, 500).ToArray(), "mnist/test[0..500]"), mnist.Normalization);
        var attack = AttackCatalog.Create(name, new AttackOptions { Shape = ImageShape.Of(split.Train), MaskEpochs = name == "iad" ? 1 : null });
        var recipe = new TrainRecipe(Epochs: 2, BatchSize: 32, MaxTrainSamples: 1000, Augmentation: Datasets.DefaultAugmentation("mnist"));
        using var stop = new CancellationTokenSource();
        long collections = 0;
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                collections++;
            }
        }) { IsBackground = true };
        collector.Start();
        try
        {
            BackdoorTraining.Run("mnist", split, "small-cnn", attack, recipe, folder.File($"{name}.pt")).Net.Dispose();
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
        Assert.True(collections > 100, $"only {collections} collections ran during the training");
    }
}
