using Fire.Attacks;
using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Guard;
using Fire.Training;

namespace Fire.Testing;

/// <summary>
/// A real backdoor: small-cnn trained for 3 epochs on 4,000 MNIST training images, 10% of them with BadNets' 3x3 white
/// patch and relabelled to <see cref="Target"/> (ASR about 99%). The defender's samples: 500 clean training images and
/// 100 triggered ones of other classes; evaluation on the first 1,000 test images, clean and triggered.
/// </summary>
public class MnistBackdoor : IDisposable
{
    public const int Target = 0;

    public MnistBackdoor()
    {
        // One torch thread: libtorch's spinning threads collapse on a machine shared with other jobs (shared/notes/platform.md).
        TorchSharp.torch.set_num_threads(1);
        var split = Datasets.Load("mnist", DataLocator.Resolve(null));
        Train = split.Train;
        var attack = AttackCatalog.Create("badnets", new AttackOptions { Shape = ImageShape.Of(split.Train), Target = Target, Seed = 1 });
        Trigger = attack.Trigger;
        var net = Trainer.CreateModel(ModelZoo.Default, split.Train, split.Normalization, seed: 1);
        attack.Train(net, split.Train, new TrainRecipe(Epochs: 3, LearningRate: 0.05, Seed: 1, MaxTrainSamples: 4000));
        Model = new TorchLayeredModel(net, ownsNet: true);

        var order = Enumerable.Range(0, split.Train.Count).ToArray();
        new Random(5).Shuffle(order);
        var clean = order.Take(500).ToArray();
        var observed = order.Skip(500).Where(i => split.Train.Labels[i] != Target).Take(100).ToArray();
        CleanImages = ImageBatches.From(split.Train, clean);
        CleanLabels = clean.Select(i => split.Train.Labels[i]).ToArray();
        Flagged = Trigger.Apply(ImageBatches.From(split.Train, observed));

        var test = split.Test.Subset(Enumerable.Range(0, 1000).ToArray());
        CleanTest = ImageBatches.From(test);
        CleanTestLabels = test.Labels;
        var poisonedTest = PoisonedSets.PoisonedTestSet(test, Trigger, Target);
        PoisonedTest = ImageBatches.From(poisonedTest);
        PoisonedTestLabels = poisonedTest.Labels;
    }

    public ImageDataset Train { get; }
    public ITrigger Trigger { get; }
    public TorchLayeredModel Model { get; }
    /// <summary>The defender's clean reference (500 training images) and its labels.</summary>
    public FloatBatch CleanImages { get; }
    public int[] CleanLabels { get; }
    /// <summary>100 triggered training images of other classes: what a detector would flag.</summary>
    public FloatBatch Flagged { get; }
    public FloatBatch CleanTest { get; }
    public int[] CleanTestLabels { get; }
    public FloatBatch PoisonedTest { get; }
    public int[] PoisonedTestLabels { get; }

    /// <summary>A guard fitted on the model with the defender's samples.</summary>
    public FireGuard FitGuard(FireOptions? options = null)
    {
        var guard = new FireGuard(Model, options);
        guard.FitClean(CleanImages, CleanLabels);
        guard.Observe(Flagged);
        return guard;
    }

    /// <summary>Clean accuracy, ASR and PA of <paramref name="predict"/> on the test images.</summary>
    public (double Ca, double Asr, double Pa) Measure(Func<FloatBatch, int[]> predict)
    {
        var clean = predict(CleanTest);
        var poisoned = predict(PoisonedTest);
        return (Share(clean, (p, i) => p == CleanTestLabels[i]), Share(poisoned, (p, _) => p == Target),
                Share(poisoned, (p, i) => p == PoisonedTestLabels[i]));
    }

    private static double Share(int[] predictions, Func<int, int, bool> counts) =>
        Enumerable.Range(0, predictions.Length).Count(i => counts(predictions[i], i)) / (double)predictions.Length;

    public void Dispose()
    {
        Model.Dispose();
        GC.SuppressFinalize(this);
    }
}
