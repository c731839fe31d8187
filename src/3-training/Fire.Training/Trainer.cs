using System.Diagnostics;
using Fire.Data;
using Fire.Engines.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Fire.Training;

/// <summary>
/// Trains a <see cref="LayeredNet"/> by a <see cref="TrainRecipe"/>: SGD with momentum and weight decay, cosine
/// schedule per step, cross-entropy. Batches come from a <see cref="BatchLoader"/> (bytes to [0, 1] floats and
/// augmentation on the loader's thread), then an optional <see cref="BatchTransform"/>, then the model.
/// Deterministic for a seed: the loader is seeded by the recipe and the torch generator (dropout, any random layer) is re-seeded at
/// the start of every epoch from (seed, epoch), so a run resumed at an epoch boundary repeats an uninterrupted one.
/// </summary>
public sealed class Trainer : IResumableTraining, IDisposable
{
    private readonly Optimizers.SGD _optimizer;

    public Trainer(LayeredNet net, TrainRecipe recipe)
    {
        recipe.Validate();
        Net = net;
        Recipe = recipe;
        _optimizer = new Optimizers.SGD(net.parameters(), recipe.LearningRate, recipe.Momentum, recipe.WeightDecay);
    }

    public LayeredNet Net { get; }
    public TrainRecipe Recipe { get; }
    /// <summary>Epochs completed so far, including those before a resume.</summary>
    public int EpochsDone { get; private set; }
    /// <summary>Time spent on the epochs done, including those before a resume.</summary>
    public TimeSpan Elapsed { get; private set; }

    public IBatchTransform? BatchTransform { get; init; }
    /// <summary>When set, accuracy on it is measured after every epoch (transform applied with training = false).</summary>
    public ImageDataset? Validation { get; init; }
    /// <summary>Called after every epoch, e.g. to save a checkpoint with <see cref="Checkpoint.Save"/> and this trainer.</summary>
    public Action<EpochSummary>? EpochCompleted { get; init; }
    /// <summary>
    /// When set, <see cref="Fit"/> continues from the state saved there (when there is one and this trainer has not
    /// started) and saves the state there after every epoch.
    /// </summary>
    public TrainingState? State { get; init; }

    /// <summary>Seeds torch's generator and builds <paramref name="architecture"/> for <paramref name="data"/>'s images.</summary>
    public static LayeredNet CreateModel(string architecture, ImageDataset data, Normalization normalization, int seed)
    {
        manual_seed(seed);
        return ModelZoo.Create(architecture, data.Channels, data.Height, data.Width, data.ClassCount, normalization);
    }

    /// <summary>
    /// Runs the remaining epochs (from <see cref="EpochsDone"/> to the recipe's count) on <paramref name="train"/>,
    /// reporting every step to <paramref name="progress"/>. Cancellation is honoured between steps; the epochs
    /// finished before it keep their <see cref="EpochCompleted"/> calls (checkpoints).
    /// </summary>
    public TrainResult Fit(ImageDataset train, IProgress<TrainProgress>? progress = null, CancellationToken cancellation = default)
    {
        CheckShape(train);
        if (Validation is not null) CheckShape(Validation);
        if (EpochsDone == 0) State?.TryContinue(Net, this);
        var earlier = Elapsed;
        int[] positions = Recipe.TrainingIndices(train);
        var data = positions.Length == train.Count ? train : train.Subset(positions, $"{train.Name} ({positions.Length} of {train.Count})");
        // A last batch of one image would break batch normalisation in training mode: drop only that case.
        bool dropLast = data.Count % Recipe.BatchSize == 1;
        var loader = new BatchLoader(data, Recipe.BatchSize, shuffle: true, Recipe.Seed, Recipe.Augmentation ?? Augmentation.None, dropLast);
        int stepsPerEpoch = loader.BatchesPerEpoch;
        long totalSteps = (long)stepsPerEpoch * Recipe.Epochs;

        var epochs = new List<EpochSummary>();
        var total = Stopwatch.StartNew();
        long images = 0;
        for (int epoch = EpochsDone; epoch < Recipe.Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            manual_seed(EpochSeed(Recipe.Seed, epoch));
            loader.Epoch = epoch;
            var summary = RunEpoch(loader, positions, epoch, stepsPerEpoch, totalSteps, progress, cancellation);
            images += summary.Images;
            var done = summary.Summary with { ValidationAccuracy = Validation is null ? null : Validate(epoch) };
            epochs.Add(done);
            EpochsDone = epoch + 1;
            Elapsed = earlier + total.Elapsed;
            State?.Save(Net, this);
            EpochCompleted?.Invoke(done);
        }
        return new TrainResult(epochs, images, total.Elapsed) { EarlierDuration = earlier };
    }

    private (EpochSummary Summary, long Images) RunEpoch(BatchLoader loader, int[] positions, int epoch, int stepsPerEpoch,
        long totalSteps, IProgress<TrainProgress>? progress, CancellationToken cancellation)
    {
        Net.train();
        var clock = Stopwatch.StartNew();
        double lossSum = 0;
        long correct = 0, seen = 0;
        int step = 0;
        foreach (var batch in loader)
        {
            cancellation.ThrowIfCancellationRequested();
            long globalStep = (long)epoch * stepsPerEpoch + step;
            double rate = CosineSchedule.LearningRate(Recipe.LearningRate, globalStep, totalSteps);
            using (var scope = NewDisposeScope())
            {
                var (x, y) = ToTensors(batch);
                if (BatchTransform is not null)
                    (x, y) = BatchTransform.Apply(x, y, batch.Indices.Select(i => positions[i]).ToArray(), epoch, training: true);
                var (loss, hits) = Step(x, y, rate);
                if (!double.IsFinite(loss)) // stop before a diverged model can be saved; the last finished epoch stays on disk
                    throw new InvalidOperationException($"Training diverged: the loss became {loss} at epoch {epoch + 1}, batch {step + 1} (learning rate {rate:G3}). " +
                                                        "Nothing of this epoch is saved; a checkpoint keeps its last finished epoch. Lower --lr and train again.");
                lossSum += loss;
                correct += hits;
                seen += y.shape[0];
            }
            step++;
            double elapsed = clock.Elapsed.TotalSeconds;
            long stepsLeft = totalSteps - globalStep - 1;
            progress?.Report(new TrainProgress(epoch + 1, Recipe.Epochs, step, stepsPerEpoch, lossSum / seen, (double)correct / seen,
                rate, seen / elapsed, TimeSpan.FromSeconds(elapsed / step * stepsLeft)));
        }
        var time = clock.Elapsed;
        return (new EpochSummary(epoch + 1, Recipe.Epochs, lossSum / seen, (double)correct / seen, null, seen / time.TotalSeconds, time), seen);
    }

    /// <summary>One SGD step on a batch, in the caller's dispose scope: returns the batch's summed loss and correct count.</summary>
    internal (double LossSum, long Correct) Step(Tensor images, Tensor labels, double learningRate)
    {
        foreach (var group in _optimizer.ParamGroups) group.LearningRate = learningRate;
        var logits = Net.call(images);
        var loss = nn.functional.cross_entropy(logits, labels, label_smoothing: Recipe.LabelSmoothing);
        _optimizer.zero_grad();
        loss.backward();
        _optimizer.step();
        return ((double)loss.item<float>() * labels.shape[0], logits.argmax(1).eq(labels).sum().item<long>());
    }

    private double Validate(int epoch)
    {
        var (predicted, truth) = Evaluator.Run(Net, Validation!, Evaluator.DefaultBatchSize, BatchTransform, epoch);
        return Evaluator.Accuracy(predicted, truth);
    }

    /// <summary>A batch from the loader as an image tensor (N, C, H, W) and int64 labels.</summary>
    internal static (Tensor Images, Tensor Labels) ToTensors(ImageBatch batch) => (
        tensor(batch.Images, new long[] { batch.Count, batch.Channels, batch.Height, batch.Width }),
        tensor(batch.Labels.Select(l => (long)l).ToArray()));

    /// <summary>The torch seed of an epoch: distinct per (seed, epoch) and the same in every process.</summary>
    internal static long EpochSeed(int seed, int epoch) => (long)seed * 1_000_003 + epoch;

    /// <summary>Writes the optimizer's state (SGD momentum buffers and group settings, TorchSharp's format).</summary>
    public void SaveState(BinaryWriter writer) => _optimizer.save_state_dict(writer);

    /// <summary>
    /// Continues the training described by <paramref name="info"/> (read from the checkpoint at
    /// <paramref name="checkpointPath"/>): restores the optimizer state saved beside it, the epoch count and the time spent.
    /// The net must be the one loaded from that checkpoint and the recipe the one it records.
    /// </summary>
    public void ContinueFrom(CheckpointInfo info, string checkpointPath)
    {
        Checkpoint.ReadTrainingState(info, checkpointPath, Recipe, _optimizer.load_state_dict);
        EpochsDone = info.EpochsDone;
        Elapsed = TimeSpan.FromSeconds(info.TrainingSeconds ?? 0);
    }

    private void CheckShape(ImageDataset data)
    {
        if (!new[] { data.Channels, data.Height, data.Width }.SequenceEqual(Net.InputShape) || data.ClassCount != Net.ClassCount)
            throw new ArgumentException($"Data set '{data.Name}' has {data.Channels}x{data.Height}x{data.Width} images in {data.ClassCount} classes; " +
                                        $"{Net.Architecture} was built for {string.Join("x", Net.InputShape)} in {Net.ClassCount}.");
    }

    public void Dispose() => _optimizer.Dispose();
}
