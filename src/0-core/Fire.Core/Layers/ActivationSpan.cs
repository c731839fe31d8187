namespace Fire.Core;

/// <summary>
/// A batch of activations (N, ...) that an editor may change in place: row-major values, wherever they live (an
/// engine's own tensor memory or a <see cref="FloatBatch"/>), so editing costs no copy on the inference path.
/// </summary>
public readonly ref struct ActivationSpan
{
    public ActivationSpan(Span<float> values, ReadOnlySpan<int> shape)
    {
        if (shape.Length == 0) throw new ArgumentException("An activation batch needs at least the batch dimension.");
        long size = 1;
        foreach (int d in shape) size *= d;
        if (size != values.Length)
            throw new ArgumentException($"Shape [{string.Join(", ", shape.ToArray())}] needs {size} values, got {values.Length}.");
        Values = values;
        Shape = shape;
    }

    public Span<float> Values { get; }
    /// <summary>(N, ...): the first dimension is the batch.</summary>
    public ReadOnlySpan<int> Shape { get; }
    public int Count => Shape[0];
    public int SampleSize => Count == 0 ? 0 : Values.Length / Count;
    public Span<float> Sample(int index) => Values.Slice(index * SampleSize, SampleSize);
}

/// <summary>Changes one layer's activations in place; the rest of the network runs on what it leaves.</summary>
public delegate void ActivationEditor(ActivationSpan activations);

/// <summary>Reads one layer's activations where the engine holds them, during the pass; it must not change or keep them.</summary>
public delegate void ActivationReader(ActivationSpan activations);
