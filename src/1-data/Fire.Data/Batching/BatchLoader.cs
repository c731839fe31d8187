using System.Collections;
using System.Collections.Concurrent;

namespace Fire.Data;

/// <summary>
/// Float batches from a data set, one epoch per enumeration. The order (when shuffled) and each sample's augmentation
/// come from the seed mixed with the epoch number, so every epoch differs and any epoch can be reproduced
/// (set <see cref="Epoch"/> to resume). A background task prepares up to two batches ahead of the consumer.
/// </summary>
public sealed class BatchLoader : IEnumerable<ImageBatch>
{
    const int PrefetchDepth = 2;
    readonly bool shuffle;
    readonly bool dropLast;
    readonly int seed;

    public BatchLoader(ImageDataset data, int batchSize, bool shuffle, int seed, Augmentation? augmentation = null, bool dropLast = false)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"Batch size {batchSize} is not positive.");
        Data = data;
        BatchSize = batchSize;
        Augmentation = augmentation ?? Augmentation.None;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
    }

    public ImageDataset Data { get; }
    public int BatchSize { get; }
    public Augmentation Augmentation { get; }

    /// <summary>The epoch the next enumeration produces; each enumeration advances it by one.</summary>
    public int Epoch { get; set; }

    public int BatchesPerEpoch => dropLast ? Data.Count / BatchSize : (Data.Count + BatchSize - 1) / BatchSize;

    public IEnumerator<ImageBatch> GetEnumerator() => Run(Epoch++);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The sample order of an epoch: 0..N-1, or its seeded shuffle.</summary>
    internal int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, Data.Count).ToArray();
        if (shuffle) new SeededRandom(SeededRandom.Hash((ulong)seed, (ulong)epoch)).Shuffle(order);
        return order;
    }

    /// <summary>The batch of the given samples, augmented as in <paramref name="epoch"/>.</summary>
    internal ImageBatch MakeBatch(ReadOnlySpan<int> indices, int epoch)
    {
        var images = new float[indices.Length * Data.SampleSize];
        var labels = new int[indices.Length];
        ulong epochSeed = SeededRandom.Hash((ulong)seed, (ulong)epoch, 0xA5A5UL);
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            labels[i] = Data.Labels[index];
            var (shiftX, shiftY, flip) = SampleTransform.Draw(Augmentation, SeededRandom.Hash(epochSeed, (ulong)index));
            SampleTransform.Write(Data.Image(index), images.AsSpan(i * Data.SampleSize, Data.SampleSize),
                                  Data.Channels, Data.Height, Data.Width, shiftX, shiftY, flip);
        }
        return new ImageBatch(images, labels, indices.ToArray(), indices.Length, Data.Channels, Data.Height, Data.Width);
    }

    IEnumerator<ImageBatch> Run(int epoch)
    {
        using var queue = new BlockingCollection<ImageBatch>(PrefetchDepth);
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(() => Produce(epoch, queue, stop.Token));
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable()) yield return batch;
            producer.GetAwaiter().GetResult(); // a failure while preparing batches surfaces here
        }
        finally
        {
            stop.Cancel(); // the consumer stopped early: let the producer end
            try { producer.Wait(); }
            catch (AggregateException) { } // cancelled, or already rethrown above
        }
    }

    void Produce(int epoch, BlockingCollection<ImageBatch> queue, CancellationToken stop)
    {
        try
        {
            var order = Order(epoch);
            for (int batch = 0; batch < BatchesPerEpoch; batch++)
            {
                int start = batch * BatchSize;
                var indices = order.AsSpan(start, Math.Min(BatchSize, order.Length - start));
                queue.Add(MakeBatch(indices, epoch), stop);
            }
        }
        finally
        {
            queue.CompleteAdding();
        }
    }

    /// <summary>Images at <paramref name="indices"/> as (N, C, H, W) floats in [0, 1], without augmentation.</summary>
    public static float[] ToFloat(ImageDataset data, IReadOnlyList<int> indices)
    {
        var images = new float[indices.Count * data.SampleSize];
        for (int i = 0; i < indices.Count; i++)
        {
            if (indices[i] < 0 || indices[i] >= data.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Index {indices[i]} is outside data set '{data.Name}' of {data.Count} images.");
            SampleTransform.Write(data.Image(indices[i]), images.AsSpan(i * data.SampleSize, data.SampleSize),
                                  data.Channels, data.Height, data.Width, 0, 0, false);
        }
        return images;
    }

    /// <summary>The samples at <paramref name="indices"/> as one batch, without augmentation.</summary>
    public static ImageBatch Take(ImageDataset data, IReadOnlyList<int> indices) =>
        new(ToFloat(data, indices), indices.Select(i => data.Labels[i]).ToArray(), indices.ToArray(), indices.Count,
            data.Channels, data.Height, data.Width);
}
