namespace Fire.Core;

/// <summary>
/// An engine-neutral dense float tensor whose first dimension is the batch: inputs in [0, 1] (N, C, H, W),
/// activations (N, ...) and logits (N, classes). Row-major, like PyTorch's contiguous layout.
/// </summary>
public sealed class FloatBatch
{
    public FloatBatch(float[] data, int[] shape)
    {
        if (shape.Length == 0 || shape.Any(d => d < 0))
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] is not a batch shape.");
        long size = shape.Aggregate(1L, (a, d) => a * d);
        if (size != data.LongLength)
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] needs {size} values, got {data.LongLength}.");
        Data = data;
        Shape = shape;
    }

    public float[] Data { get; }
    public int[] Shape { get; }

    public int Count => Shape[0];
    /// <summary>Values per sample: the product of all dimensions but the first.</summary>
    public int SampleSize => Count == 0 ? Shape.Skip(1).Aggregate(1, (a, d) => a * d) : Data.Length / Count;
    /// <summary>The shape of one sample (all dimensions but the first).</summary>
    public int[] SampleShape => Shape[1..];

    public Span<float> Sample(int index) => Data.AsSpan(index * SampleSize, SampleSize);

    /// <summary>This batch's own values as an editable span (no copy).</summary>
    public ActivationSpan AsSpan() => new(Data, Shape);

    public FloatBatch Clone() => new((float[])Data.Clone(), (int[])Shape.Clone());

    public override string ToString() => $"FloatBatch[{string.Join(", ", Shape)}]";
}
