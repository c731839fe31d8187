using System.Diagnostics;
using Fire.Data;
using Fire.Engines.Torch;
using static TorchSharp.torch;

namespace Fire.Training;

/// <summary>
/// Training throughput through the full data pipeline (<see cref="BatchLoader"/>: shuffling, bytes to floats and
/// augmentation on the loader thread, then tensors) against the same SGD steps on batches already in memory as
/// tensors. Both run the same model in alternating rounds, after a warm-up, so that machine noise hits both alike.
/// </summary>
public static class PipelineBenchmark
{
    public sealed record Result(int Steps, int BatchSize, double PipelineImagesPerSecond, double InMemoryImagesPerSecond)
    {
        /// <summary>Pipeline throughput as a share of the in-memory throughput.</summary>
        public double Ratio => PipelineImagesPerSecond / InMemoryImagesPerSecond;
    }

    /// <summary>Distinct in-memory batches, cycled through: varied data at a small memory cost.</summary>
    private const int InMemoryBatches = 16;

    public static Result Run(LayeredNet net, ImageDataset train, TrainRecipe recipe, int steps, int warmupSteps = 5, int rounds = 2)
    {
        if (steps < rounds || rounds < 1) throw new ArgumentException($"Need at least one step per round: {steps} steps in {rounds} rounds.");
        if (train.Count < recipe.BatchSize) throw new ArgumentException($"Data set '{train.Name}' has {train.Count} images, fewer than one batch of {recipe.BatchSize}.");
        using var trainer = new Trainer(net, recipe);
        net.train();
        var loader = new BatchLoader(train, recipe.BatchSize, shuffle: true, recipe.Seed, recipe.Augmentation ?? Augmentation.None, dropLast: true);
        using var batches = Endless(loader).GetEnumerator();

        var inMemory = new List<(Tensor Images, Tensor Labels)>();
        try
        {
            for (int i = 0; i < InMemoryBatches; i++)
            {
                batches.MoveNext();
                var (x, y) = Trainer.ToTensors(batches.Current);
                inMemory.Add((x.DetachFromDisposeScope(), y.DetachFromDisposeScope()));
            }
            int memoryStep = 0;
            void PipelineStep()
            {
                batches.MoveNext();
                using var scope = NewDisposeScope();
                var (x, y) = Trainer.ToTensors(batches.Current);
                trainer.Step(x, y, recipe.LearningRate);
            }
            void MemoryStep()
            {
                var (x, y) = inMemory[memoryStep++ % inMemory.Count];
                using var scope = NewDisposeScope();
                trainer.Step(x, y, recipe.LearningRate);
            }

            for (int i = 0; i < warmupSteps; i++) { PipelineStep(); MemoryStep(); }
            TimeSpan pipeline = TimeSpan.Zero, memory = TimeSpan.Zero;
            for (int round = 0; round < rounds; round++)
            {
                int n = steps / rounds + (round < steps % rounds ? 1 : 0);
                pipeline += Time(n, PipelineStep);
                memory += Time(n, MemoryStep);
            }
            double images = (double)steps * recipe.BatchSize;
            return new Result(steps, recipe.BatchSize, images / pipeline.TotalSeconds, images / memory.TotalSeconds);
        }
        finally
        {
            foreach (var (x, y) in inMemory) { x.Dispose(); y.Dispose(); }
        }
    }

    private static TimeSpan Time(int steps, Action step)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) step();
        return clock.Elapsed;
    }

    private static IEnumerable<ImageBatch> Endless(BatchLoader loader)
    {
        for (int epoch = 0; ; epoch++)
        {
            loader.Epoch = epoch;
            foreach (var batch in loader) yield return batch;
        }
    }
}
