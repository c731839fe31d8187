namespace Fire.Core;

/// <summary>Copies of contiguous runs of samples, for processing large batches in chunks.</summary>
public static class BatchSlicing
{
    public static FloatBatch Slice(FloatBatch batch, int start, int count)
    {
        if (start < 0 || count < 0 || start + count > batch.Count)
            throw new ArgumentOutOfRangeException(nameof(start), $"Samples [{start}, {start + count}) are outside a batch of {batch.Count}.");
        var shape = (int[])batch.Shape.Clone();
        shape[0] = count;
        return new FloatBatch(batch.Data.AsSpan(start * batch.SampleSize, count * batch.SampleSize).ToArray(), shape);
    }

    /// <summary>Yields (start, chunk) pairs covering the batch in order; the whole batch when it is small enough.</summary>
    public static IEnumerable<(int Start, FloatBatch Chunk)> Chunks(FloatBatch batch, int chunkSize)
    {
        if (chunkSize < 1) throw new ArgumentOutOfRangeException(nameof(chunkSize), $"Chunk size must be at least 1, got {chunkSize}.");
        if (batch.Count <= chunkSize)
        {
            yield return (0, batch);
            yield break;
        }
        for (int start = 0; start < batch.Count; start += chunkSize)
            yield return (start, Slice(batch, start, Math.Min(chunkSize, batch.Count - start)));
    }
}
