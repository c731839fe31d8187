using Fire.Data;
using Fire.Engines.Torch;
using static TorchSharp.torch;

namespace Fire.Training;

/// <summary>
/// Predictions and accuracy of a <see cref="LayeredNet"/>: batched, eval mode, no gradients. An optional image
/// transform sees each batch in [0, 1] before the model (e.g. a trigger, to measure attack success).
/// The net's training/eval mode is restored afterwards.
/// </summary>
public static class Evaluator
{
    public const int DefaultBatchSize = 256;

    public static int[] Predict(LayeredNet net, ImageDataset data, Func<Tensor, Tensor>? transform = null, int batchSize = DefaultBatchSize) =>
        Run(net, data, batchSize, transform is null ? null : new ImageOnly(transform), epoch: 0).Predicted;

    public static double Accuracy(LayeredNet net, ImageDataset data, Func<Tensor, Tensor>? transform = null, int batchSize = DefaultBatchSize) =>
        Accuracy(Predict(net, data, transform, batchSize), data.Labels);

    /// <summary>Predictions for images in [0, 1], (N, C, H, W) with (C, H, W) the net's input shape, flattened.</summary>
    public static int[] Predict(LayeredNet net, float[] images, Func<Tensor, Tensor>? transform = null, int batchSize = DefaultBatchSize)
    {
        int sampleSize = net.InputShape.Aggregate(1, (a, d) => a * d);
        if (images.Length % sampleSize != 0)
            throw new ArgumentException($"{images.Length} values are not a whole number of {string.Join("x", net.InputShape)} images for {net.Architecture}.");
        int count = images.Length / sampleSize;
        var predicted = new int[count];
        using var mode = new EvalMode(net);
        for (int start = 0; start < count; start += batchSize)
        {
            int n = Math.Min(batchSize, count - start);
            using var scope = NewDisposeScope();
            var x = tensor(images.AsSpan(start * sampleSize, n * sampleSize).ToArray(),
                new long[] { n, net.InputShape[0], net.InputShape[1], net.InputShape[2] });
            Classify(net, transform is null ? x : transform(x)).CopyTo(predicted, start);
        }
        return predicted;
    }

    public static double Accuracy(IReadOnlyList<int> predicted, IReadOnlyList<int> truth)
    {
        if (predicted.Count != truth.Count) throw new ArgumentException($"{predicted.Count} predictions for {truth.Count} labels.");
        if (truth.Count == 0) return double.NaN;
        int hits = 0;
        for (int i = 0; i < truth.Count; i++) if (predicted[i] == truth[i]) hits++;
        return (double)hits / truth.Count;
    }

    /// <summary>Predictions and the labels they are judged against (those the transform returns), in data set order.</summary>
    internal static (int[] Predicted, int[] Truth) Run(LayeredNet net, ImageDataset data, int batchSize, IBatchTransform? transform, int epoch)
    {
        if (batchSize < 1) throw new ArgumentException($"Batch size must be positive, got {batchSize}.");
        var predicted = new int[data.Count];
        var truth = new int[data.Count];
        using var mode = new EvalMode(net);
        int offset = 0;
        foreach (var batch in new BatchLoader(data, batchSize, shuffle: false, seed: 0))
        {
            using var scope = NewDisposeScope();
            var (x, y) = Trainer.ToTensors(batch);
            if (transform is not null) (x, y) = transform.Apply(x, y, batch.Indices, epoch, training: false);
            Classify(net, x).CopyTo(predicted, offset);
            y.data<long>().Select(l => (int)l).ToArray().CopyTo(truth, offset);
            offset += batch.Count;
        }
        return (predicted, truth);
    }

    private static int[] Classify(LayeredNet net, Tensor images)
    {
        using var noGrad = no_grad();
        using var labels = net.call(images).argmax(1);
        return labels.data<long>().Select(l => (int)l).ToArray();
    }

    private sealed class ImageOnly(Func<Tensor, Tensor> transform) : IBatchTransform
    {
        public (Tensor Images, Tensor Labels) Apply(Tensor images, Tensor labels, int[] indices, int epoch, bool training) =>
            (transform(images), labels);
    }

    /// <summary>Puts a net in eval mode for a using block and restores its previous mode.</summary>
    private readonly struct EvalMode : IDisposable
    {
        private readonly LayeredNet _net;
        private readonly bool _wasTraining;

        public EvalMode(LayeredNet net)
        {
            _net = net;
            _wasTraining = net.training;
            net.eval();
        }

        public void Dispose()
        {
            if (_wasTraining) _net.train();
        }
    }
}
