using System.Diagnostics;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Training;
using Fire.Training.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Fire.Attacks;

/// <summary>
/// IAD's training, as its paper and BackdoorBench describe it. First the mask network is pre-trained alone on clean
/// pairs (x1, x2): lambda_norm * mean(relu(m(x1) - density)) keeps masks sparse, and the diversity term
/// lambda_div * mean(|x1 - x2| / |m(x1) - m(x2)|) (per-image RMS distances) keeps different images from getting the
/// same mask. Then the mask network is frozen and the classifier and generator train jointly: in every batch the
/// poisoned samples get their own trigger and the target label, the cross samples get the trigger of another image
/// (from a second, differently shuffled loader) and keep their label, and the generator also minimises the
/// diversity term between the two. The classifier uses the recipe's SGD and cosine schedule (the same as a clean
/// model), generator and mask network Adam (betas 0.5, 0.9); the mask learning rate drops tenfold after 10 and 20
/// epochs (BackdoorBench's milestones; its generator milestones, 200+, lie beyond any CPU recipe).
/// Poisoned and cross samples come from an <see cref="EpochSelection"/>, so exactly round(rate x N) images are
/// poisoned per epoch. With a <see cref="AttackTrainingHooks.State"/>, the training saves itself after the mask
/// pre-training and after every joint epoch (classifier weights, both networks, both optimizers) and continues from there.
/// </summary>
internal sealed class IadTraining : IResumableTraining, IDisposable
{
    private const double Epsilon = 1e-7;
    private static readonly int[] MaskMilestones = [10, 20];

    private readonly LayeredNet net;
    private readonly IadNetworks networks;
    private readonly IadAttack.Parameters p;
    private readonly int target;
    private readonly AttackTrainingHooks? hooks;
    private readonly SGD classifierOptimizer;
    private readonly Adam generatorOptimizer;

    public IadTraining(LayeredNet net, IadNetworks networks, IadAttack.Parameters p, int target, TrainRecipe recipe, AttackTrainingHooks? hooks)
    {
        recipe.Validate();
        (this.net, this.networks, this.p, this.target, Recipe, this.hooks) = (net, networks, p, target, recipe, hooks);
        classifierOptimizer = new SGD(net.parameters(), recipe.LearningRate, recipe.Momentum, recipe.WeightDecay);
        generatorOptimizer = new Adam(networks.Generator.parameters(), p.GeneratorLearningRate, 0.5, 0.9);
    }

    public TrainRecipe Recipe { get; }
    /// <summary>Joint epochs done (the mask pre-training comes before the first).</summary>
    public int EpochsDone { get; private set; }
    public TimeSpan Elapsed { get; private set; }

    public TrainResult Run(ImageDataset train, EpochSelection selection)
    {
        int[] positions = selection.Positions;
        var data = positions.Length == train.Count ? train : train.Subset(positions, $"{train.Name} ({positions.Length} of {train.Count})");
        bool dropLast = data.Count % Recipe.BatchSize == 1; // a batch of one breaks batch normalisation
        var augmentation = Recipe.Augmentation ?? Augmentation.None;
        var first = new BatchLoader(data, Recipe.BatchSize, shuffle: true, Recipe.Seed, augmentation, dropLast);
        var second = new BatchLoader(data, Recipe.BatchSize, shuffle: true, Seeds.For(Recipe.Seed, Seeds.Auxiliary), augmentation, dropLast);

        var clock = Stopwatch.StartNew();
        var state = hooks?.State;
        long maskImages = 0;
        var earlier = TimeSpan.Zero;
        if (state?.TryContinue(net, this) == true)
            earlier = Elapsed;
        else
        {
            maskImages = PretrainMask(first, second);
            Elapsed = clock.Elapsed;
            state?.Save(net, this);
        }
        FreezeMask();
        var (epochs, images) = TrainJointly(first, second, positions, selection, data.Count, dropLast, () =>
        {
            Elapsed = earlier + clock.Elapsed;
            state?.Save(net, this);
        });
        networks.eval();
        // Both phases, so images per second is the overall pace; after a resume, the earlier phases' time is apart.
        return new TrainResult(epochs, maskImages + images, clock.Elapsed) { EarlierDuration = earlier };
    }

    /// <summary>The classifier's and the generator's optimizer states, then both networks' weights.</summary>
    public void SaveState(BinaryWriter writer)
    {
        classifierOptimizer.save_state_dict(writer);
        generatorOptimizer.save_state_dict(writer);
        networks.save(writer);
    }

    public void ContinueFrom(CheckpointInfo info, string checkpointPath)
    {
        Checkpoint.ReadTrainingState(info, checkpointPath, Recipe, reader =>
        {
            classifierOptimizer.load_state_dict(reader);
            generatorOptimizer.load_state_dict(reader);
            networks.load(reader);
        });
        EpochsDone = info.EpochsDone;
        Elapsed = TimeSpan.FromSeconds(info.TrainingSeconds ?? 0);
    }

    public void Dispose()
    {
        classifierOptimizer.Dispose();
        generatorOptimizer.Dispose();
    }

    /// <returns>The images the phase went through.</returns>
    private long PretrainMask(BatchLoader first, BatchLoader second)
    {
        long images = 0;
        var mask = networks.MaskNet;
        using var optimizer = new Adam(mask.parameters(), 0.01, 0.5, 0.9);
        for (int epoch = 0; epoch < p.MaskEpochs; epoch++)
        {
            hooks?.Cancellation.ThrowIfCancellationRequested();
            double rate = 0.01 * Math.Pow(0.1, MaskMilestones.Count(m => epoch >= m));
            foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
            mask.train();
            first.Epoch = second.Epoch = epoch;
            double normSum = 0, diversitySum = 0;
            int steps = 0;
            foreach (var (a, b) in first.Zip(second))
            {
                using var scope = NewDisposeScope();
                var (x1, x2) = (Images(a), Images(b));
                var (m1, m2) = (IadGenerator.Threshold(mask.call(x1)), IadGenerator.Threshold(mask.call(x2)));
                var norm = nn.functional.relu(m1.Minus(p.MaskDensity)).mean();
                var diversity = Diversity(x1, x2, m1, m2);
                var loss = norm.Times(p.LambdaNorm).Plus(diversity.Times(p.LambdaDiv));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                normSum += norm.item<float>();
                diversitySum += diversity.item<float>();
                steps++;
                images += a.Count;
            }
            hooks?.Status?.Invoke($"IAD mask network, epoch {epoch + 1}/{p.MaskEpochs}: norm {normSum / steps:F4}, diversity {diversitySum / steps:F3}");
        }
        return images;
    }

    /// <summary>From the joint phase on, the mask network only computes masks.</summary>
    private void FreezeMask()
    {
        networks.MaskNet.eval();
        foreach (var parameter in networks.MaskNet.parameters()) parameter.requires_grad = false;
    }

    private (List<EpochSummary> Epochs, long Images) TrainJointly(BatchLoader first, BatchLoader second, int[] positions, EpochSelection selection,
        int count, bool dropLast, Action epochCompleted)
    {
        var generator = networks.Generator;
        int stepsPerEpoch = dropLast ? count / Recipe.BatchSize : (count + Recipe.BatchSize - 1) / Recipe.BatchSize;
        long totalSteps = (long)stepsPerEpoch * Recipe.Epochs;
        var summaries = new List<EpochSummary>();
        long imageCount = 0;
        for (int epoch = EpochsDone; epoch < Recipe.Epochs; epoch++)
        {
            manual_seed(Seeds.For(Recipe.Seed, Seeds.Networks, epoch)); // dropout
            first.Epoch = second.Epoch = p.MaskEpochs + epoch; // shuffles and augmentations not seen while pre-training the mask
            var (poisoned, cross) = selection.For(epoch);
            net.train();
            generator.train();
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            long correct = 0, seen = 0;
            int step = 0;
            foreach (var (a, b) in first.Zip(second))
            {
                hooks?.Cancellation.ThrowIfCancellationRequested();
                long globalStep = (long)epoch * stepsPerEpoch + step;
                double rate = CosineSchedule.LearningRate(Recipe.LearningRate, globalStep, totalSteps);
                foreach (var group in classifierOptimizer.ParamGroups) group.LearningRate = rate;
                using (var scope = NewDisposeScope())
                {
                    var (images, labels) = Batch(a, b, Rows(a, positions, poisoned), Rows(a, positions, cross), out var diversity);
                    var logits = net.call(images);
                    var loss = nn.functional.cross_entropy(logits, labels).Plus(diversity);
                    classifierOptimizer.zero_grad();
                    generatorOptimizer.zero_grad();
                    loss.backward();
                    classifierOptimizer.step();
                    generatorOptimizer.step();
                    lossSum += loss.item<float>() * a.Count;
                    correct += logits.argmax(1).eq(labels).sum().item<long>();
                    seen += a.Count;
                }
                step++;
                double elapsed = clock.Elapsed.TotalSeconds;
                hooks?.Progress?.Report(new TrainProgress(epoch + 1, Recipe.Epochs, step, stepsPerEpoch, lossSum / seen, (double)correct / seen,
                    rate, seen / elapsed, TimeSpan.FromSeconds(elapsed / step * (totalSteps - globalStep - 1))));
            }
            var time = clock.Elapsed;
            imageCount += seen;
            double? validation = hooks?.Validation is { } v ? Evaluator.Accuracy(net, v) : null;
            summaries.Add(new EpochSummary(epoch + 1, Recipe.Epochs, lossSum / seen, (double)correct / seen, validation, seen / time.TotalSeconds, time));
            EpochsDone = epoch + 1;
            epochCompleted();
        }
        return (summaries, imageCount);
    }

    /// <summary>One training batch: poisoned rows get their own trigger and the target, cross rows another image's trigger.</summary>
    private (Tensor Images, Tensor Labels) Batch(ImageBatch a, ImageBatch b, long[] bd, long[] crossRows, out Tensor diversity)
    {
        var x = Images(a);
        var y = tensor(a.Labels.Select(l => (long)l).ToArray());
        var cross = crossRows.Take(b.Count).ToArray();
        diversity = zeros(1).squeeze();
        if (bd.Length == 0 && cross.Length == 0) return (x, y);
        var generator = networks.Generator;
        var mask = networks.MaskNet;
        var images = x;
        Tensor? bdImages = null, bdPatterns = null;
        if (bd.Length > 0)
        {
            var rows = tensor(bd);
            bdImages = x.index_select(0, rows);
            bdPatterns = generator.call(bdImages);
            images = images.index_copy(0, rows, IadTrigger.Compose(bdImages, bdPatterns, IadGenerator.Threshold(mask.call(bdImages))));
            y = y.index_fill(0, rows, HeldScalars.Of(target));
        }
        if (cross.Length > 0)
        {
            var rows = tensor(cross);
            var sources = Images(b).narrow(0, 0, cross.Length);
            var crossPatterns = generator.call(sources);
            images = images.index_copy(0, rows, IadTrigger.Compose(x.index_select(0, rows), crossPatterns, IadGenerator.Threshold(mask.call(sources))));
            int pairs = Math.Min(bd.Length, cross.Length);
            if (pairs > 0)
                diversity = Diversity(bdImages!.narrow(0, 0, pairs), sources.narrow(0, 0, pairs), bdPatterns!.narrow(0, 0, pairs), crossPatterns.narrow(0, 0, pairs)).Times(p.LambdaDiv);
        }
        return (images, y);
    }

    /// <summary>
    /// mean over pairs of RMS(x1 - x2) / (RMS(g1 - g2) + 1e-7): small when different images get different outputs.
    /// A 1e-12 under each square root keeps the gradient finite when two outputs coincide.
    /// </summary>
    private static Tensor Diversity(Tensor x1, Tensor x2, Tensor g1, Tensor g2)
    {
        var images = (x1 - x2).Squared().mean(new long[] { 1, 2, 3 }).Plus(1e-12).sqrt();
        var outputs = (g1 - g2).Squared().mean(new long[] { 1, 2, 3 }).Plus(1e-12).sqrt();
        return (images / outputs.Plus(Epsilon)).mean();
    }

    private static Tensor Images(ImageBatch batch) =>
        tensor(batch.Images, new long[] { batch.Count, batch.Channels, batch.Height, batch.Width });

    /// <summary>The rows of <paramref name="batch"/> whose training position is in <paramref name="selected"/>.</summary>
    private static long[] Rows(ImageBatch batch, int[] positions, IReadOnlySet<int> selected) =>
        Enumerable.Range(0, batch.Count).Where(i => selected.Contains(positions[batch.Indices[i]])).Select(i => (long)i).ToArray();
}
