using Fire.Data;
using Fire.Engines.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Fire.Training.Tests;

[Trait(TestCategories.Name, TestCategories.Slow)]
public class TrainerTests
{
    private static readonly TrainRecipe Recipe = new(Epochs: 3, BatchSize: 32, Seed: 5, Augmentation: new Augmentation(2, false));

    internal static LayeredNet NewNet(ImageDataset data, int seed) =>
        Trainer.CreateModel("small-cnn", data, TestData.Mnist.Normalization, seed);

    /// <summary>True when every parameter and buffer (batch-norm statistics included) is bitwise equal.</summary>
    internal static bool SameState(LayeredNet a, LayeredNet b)
    {
        using var scope = NewDisposeScope();
        var x = a.state_dict();
        var y = b.state_dict();
        return x.Count == y.Count && x.All(kv => y.TryGetValue(kv.Key, out var other)
                                                  && kv.Value.shape.SequenceEqual(other.shape) && kv.Value.eq(other).all().item<bool>());
    }

    [Fact]
    public void A_few_epochs_on_real_images_lower_the_loss()
    {
        var train = TestData.MnistTrain(256);
        using var net = NewNet(train, Recipe.Seed);
        using var trainer = new Trainer(net, Recipe);
        var result = trainer.Fit(train);

        Assert.Equal(3, result.Epochs.Count);
        Assert.Equal(3, trainer.EpochsDone);
        Assert.All(result.Epochs, e => Assert.True(double.IsFinite(e.Loss)));
        Assert.True(result.Epochs[2].Loss < result.Epochs[0].Loss * 0.7, $"losses {string.Join(", ", result.Epochs.Select(e => e.Loss))}");
        Assert.Equal(3 * 256, result.Images);
        double accuracy = Evaluator.Accuracy(net, TestData.MnistTest(500));
        Assert.True(accuracy > 0.3, $"test accuracy {accuracy} (chance: 0.1)");
    }

    [Fact]
    public void Label_smoothing_mixes_the_cross_entropy_with_the_mean_negative_log_probability()
    {
        using var net = NewNet(TestData.MnistTrain(8), seed: 1);
        using var trainer = new Trainer(net, Recipe with { LabelSmoothing = 0.2 });
        using var scope = NewDisposeScope();
        manual_seed(3);
        var images = rand(8, 1, 28, 28);
        var labels = tensor(new long[] { 0, 1, 2, 3, 4, 5, 6, 7 });
        net.eval(); // deterministic forward passes; Step leaves the mode alone
        double expected;
        using (no_grad())
        {
            var logProbabilities = nn.functional.log_softmax(net.call(images), 1);
            var crossEntropy = -logProbabilities.gather(1, labels.unsqueeze(1)).mean();
            var uniform = -logProbabilities.mean(); // the mean over classes and samples of -log p
            expected = crossEntropy.Times(0.8).Plus(uniform.Times(0.2)).item<float>();
        }
        var (lossSum, _) = trainer.Step(images, labels, learningRate: 0);
        Assert.Equal(8 * expected, lossSum, 1e-4);
    }

    [Fact]
    public void The_same_seed_gives_identical_weights_and_another_seed_does_not()
    {
        var train = TestData.MnistTrain(256);
        var recipe = Recipe with { Epochs = 1 };
        using var a = TrainOnce(train, recipe);
        using var b = TrainOnce(train, recipe);
        using var c = TrainOnce(train, recipe with { Seed = 6 });
        Assert.True(SameState(a, b));
        Assert.False(SameState(a, c));
    }

    private static LayeredNet TrainOnce(ImageDataset train, TrainRecipe recipe)
    {
        var net = NewNet(train, recipe.Seed);
        using var trainer = new Trainer(net, recipe);
        trainer.Fit(train);
        return net;
    }

    [Fact]
    public void Every_step_uses_the_cosine_rate_and_reports_progress()
    {
        var train = TestData.MnistTrain(100); // 100 = 3 x 32 + 4: four steps per epoch
        var reports = new List<TrainProgress>();
        using var net = NewNet(train, 1);
        using var trainer = new Trainer(net, Recipe with { Epochs = 2 });
        trainer.Fit(train, new Recorder(reports));

        Assert.Equal(8, reports.Count);
        for (int t = 0; t < 8; t++)
        {
            Assert.Equal(CosineSchedule.LearningRate(Recipe.LearningRate, t, 8), reports[t].LearningRate);
            Assert.Equal(t / 4 + 1, reports[t].Epoch);
            Assert.Equal(t % 4 + 1, reports[t].Step);
            Assert.Equal(4, reports[t].StepsPerEpoch);
        }
        Assert.Equal(TimeSpan.Zero, reports[^1].Eta);
    }

    [Fact]
    public void A_last_batch_of_one_image_is_dropped()
    {
        var train = TestData.MnistTrain(65); // 2 x 32 + 1
        var reports = new List<TrainProgress>();
        using var net = NewNet(train, 1);
        using var trainer = new Trainer(net, Recipe with { Epochs = 1 });
        var result = trainer.Fit(train, new Recorder(reports));
        Assert.Equal(2, reports.Count);
        Assert.Equal(64, result.Images);
    }

    [Fact]
    public void The_batch_transform_sees_each_chosen_sample_once_per_epoch_by_its_index_in_the_given_set()
    {
        var train = TestData.MnistTrain(300);
        var recipe = Recipe with { Epochs = 2, MaxTrainSamples = 100 };
        var transform = new RecordingTransform();
        using var net = NewNet(train, 1);
        using var trainer = new Trainer(net, recipe) { BatchTransform = transform, Validation = TestData.MnistTest(40) };
        var result = trainer.Fit(train);

        var chosen = recipe.TrainingIndices(train);
        foreach (int epoch in new[] { 0, 1 })
            Assert.Equal(chosen, transform.Training.Where(s => s.Epoch == epoch).SelectMany(s => s.Indices).Order());
        Assert.Equal(2, transform.Validation.Count(s => s.Indices.Length > 0 && s.Indices[0] == 0));
        Assert.All(result.Epochs, e => Assert.InRange(e.ValidationAccuracy!.Value, 0, 1));
    }

    [Fact]
    public void Cancellation_stops_before_the_next_step()
    {
        var train = TestData.MnistTrain(64);
        using var net = NewNet(train, 1);
        using var trainer = new Trainer(net, Recipe);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => trainer.Fit(train, cancellation: cancelled.Token));
        Assert.Equal(0, trainer.EpochsDone);
    }

    [Fact]
    public void Data_of_another_shape_is_refused_with_both_shapes_named()
    {
        var train = TestData.MnistTrain(64);
        using var net = ModelZoo.Create("small-cnn", 3, 32, 32, 10, Normalization.Identity(3));
        using var trainer = new Trainer(net, Recipe);
        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(train));
        Assert.Contains("1x28x28", e.Message);
        Assert.Contains("3x32x32", e.Message);
    }

    [Fact]
    public void Memory_stays_flat_across_epochs()
    {
        var train = TestData.MnistTrain(256);
        using var net = NewNet(train, 1);
        var before = new List<long>();
        using var trainer = new Trainer(net, Recipe with { Epochs = 4, MaxTrainSamples = 96 })
        {
            EpochCompleted = _ => before.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount),
        };
        trainer.Fit(train);
        // Live tensors after epoch 2 (momentum buffers exist from the first step on) stay the same to the end.
        Assert.Equal(before[1], before[^1]);
    }

    private sealed class Recorder(List<TrainProgress> reports) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) => reports.Add(value);
    }

    private sealed class RecordingTransform : IBatchTransform
    {
        public List<(int Epoch, int[] Indices)> Training { get; } = new();
        public List<(int Epoch, int[] Indices)> Validation { get; } = new();

        public (Tensor Images, Tensor Labels) Apply(Tensor images, Tensor labels, int[] indices, int epoch, bool training)
        {
            Assert.Equal(indices.Length, images.shape[0]);
            (training ? Training : Validation).Add((epoch, indices));
            return (images, labels);
        }
    }
}
