namespace Fire.Guard;

/// <summary>Row gathering and stacking on <see cref="FloatBatch"/> (slicing and arg-max live in Baselines' BatchSlicing and ModelPredictions).</summary>
internal static class BatchOps
{
    public static FloatBatch Rows(FloatBatch batch, IReadOnlyList<int> rows) => Rows(batch.AsSpan(), rows);

    /// <summary>A copy of <paramref name="rows"/> of activations wherever they lie (an engine's own memory included).</summary>
    public static FloatBatch Rows(ActivationSpan batch, IReadOnlyList<int> rows)
    {
        int size = batch.SampleSize;
        var data = new float[rows.Count * size];
        for (int i = 0; i < rows.Count; i++) batch.Sample(rows[i]).CopyTo(data.AsSpan(i * size, size));
        return new FloatBatch(data, [rows.Count, .. batch.Shape[1..]]);
    }

    public static FloatBatch Stack(IReadOnlyList<float[]> samples, int[] sampleShape)
    {
        int size = sampleShape.Aggregate(1, (a, d) => a * d);
        var data = new float[samples.Count * size];
        for (int i = 0; i < samples.Count; i++)
        {
            if (samples[i].Length != size) throw new ArgumentException($"Sample {i} has {samples[i].Length} values, the shape [{string.Join(", ", sampleShape)}] needs {size}.");
            samples[i].CopyTo(data, i * size);
        }
        return new FloatBatch(data, [samples.Count, .. sampleShape]);
    }

    /// <summary>The rows of several batches of the same sample shape, one after another.</summary>
    public static FloatBatch Concat(IReadOnlyList<FloatBatch> batches)
    {
        if (batches.Count == 0) throw new ArgumentException("Nothing to concatenate.");
        var shape = batches[0].SampleShape;
        var data = new float[batches.Sum(b => b.Data.Length)];
        int offset = 0;
        foreach (var batch in batches)
        {
            if (!batch.SampleShape.SequenceEqual(shape)) throw new ArgumentException($"Cannot join samples of shape [{string.Join(", ", batch.SampleShape)}] to [{string.Join(", ", shape)}].");
            batch.Data.CopyTo(data, offset);
            offset += batch.Data.Length;
        }
        return new FloatBatch(data, [data.Length / Math.Max(1, shape.Aggregate(1, (a, d) => a * d)), .. shape]);
    }
}
