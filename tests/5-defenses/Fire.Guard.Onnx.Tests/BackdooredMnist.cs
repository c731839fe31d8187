using Fire.Attacks;
using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Engines.Torch.Export;
using Fire.Training;
using Onnx;

namespace Fire.Guard.Onnx.Tests;

/// <summary>
/// The backdoored model of Fire.Guard.Tests' MNIST fixture (small-cnn, 3 epochs on 4,000 MNIST training images, 10%
/// with BadNets' patch relabelled to 0), its ONNX export, the defender's samples (500 clean and 100 triggered
/// training images) and 500 clean and 500 triggered test images.
/// </summary>
public sealed class BackdooredMnist : IDisposable
{
    public const int Target = 0;

    public BackdooredMnist()
    {
        // One torch thread: libtorch's spinning threads collapse on a machine shared with other jobs (shared/notes/platform.md).
        TorchSharp.torch.set_num_threads(1);
        var split = Datasets.Load("mnist", DataLocator.Resolve(null));
        var attack = AttackCatalog.Create("badnets", new AttackOptions { Shape = ImageShape.Of(split.Train), Target = Target, Seed = 1 });
        var net = Trainer.CreateModel(ModelZoo.Default, split.Train, split.Normalization, seed: 1);
        attack.Train(net, split.Train, new TrainRecipe(Epochs: 3, LearningRate: 0.05, Seed: 1, MaxTrainSamples: 4000));
        Model = new TorchLayeredModel(net, ownsNet: true);
        Onnx = ZooOnnxExport.Export(net);

        var order = Enumerable.Range(0, split.Train.Count).ToArray();
        new Random(5).Shuffle(order);
        var clean = order.Take(500).ToArray();
        var observed = order.Skip(500).Where(i => split.Train.Labels[i] != Target).Take(100).ToArray();
        CleanImages = ImageBatches.From(split.Train, clean);
        CleanLabels = clean.Select(i => split.Train.Labels[i]).ToArray();
        Flagged = attack.Trigger.Apply(ImageBatches.From(split.Train, observed));

        var test = split.Test.Subset(Enumerable.Range(0, 500).ToArray());
        CleanTest = ImageBatches.From(test);
        PoisonedTest = ImageBatches.From(PoisonedSets.PoisonedTestSet(test, attack.Trigger, Target));
    }

    public TorchLayeredModel Model { get; }
    public ModelProto Onnx { get; }
    public FloatBatch CleanImages { get; }
    public int[] CleanLabels { get; }
    public FloatBatch Flagged { get; }
    public FloatBatch CleanTest { get; }
    public FloatBatch PoisonedTest { get; }

    /// <summary>A guard fitted on the TorchSharp model with the defender's samples.</summary>
    public FireGuard FitGuard(FireOptions? options = null)
    {
        var guard = new FireGuard(Model, options);
        guard.FitClean(CleanImages, CleanLabels);
        guard.Observe(Flagged);
        return guard;
    }

    public void Dispose() => Model.Dispose();
}
