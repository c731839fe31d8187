using Fire.Evaluation.Repair;

namespace Fire.Evaluation.Streams;

/// <summary>
/// The images a stream is drawn from, all from the TEST split: each clean image with its label and, for every image of
/// a non-target class, its triggered copy (BackdoorBench's poisoned test set, row by row in the clean order). Streams
/// are orders of this pool in which a seeded share of the non-target images arrives triggered, so that everything that
/// depends only on an image (a detector's score, the undefended prediction) is computed once per pool.
/// </summary>
public sealed class StreamPool
{
    private readonly int[] _triggeredRow;

    /// <param name="triggered">One row per non-target image of <paramref name="clean"/>, in the same order.</param>
    public StreamPool(FloatBatch clean, int[] labels, FloatBatch triggered, int target)
    {
        if (labels.Length != clean.Count) throw new ArgumentException($"The stream pool has {clean.Count} images but {labels.Length} labels.");
        if (!triggered.SampleShape.SequenceEqual(clean.SampleShape))
            throw new ArgumentException($"Triggered images of shape [{string.Join(", ", triggered.SampleShape)}] differ from the clean ones [{string.Join(", ", clean.SampleShape)}].");
        _triggeredRow = new int[labels.Length];
        int row = 0;
        for (int i = 0; i < labels.Length; i++) _triggeredRow[i] = labels[i] == target ? -1 : row++;
        if (row != triggered.Count)
            throw new ArgumentException($"The stream pool has {row} non-target images but {triggered.Count} triggered copies; they must match row by row.");
        Clean = clean;
        Labels = labels;
        Triggered = triggered;
        Target = target;
    }

    /// <summary>The pool of a backdoored model's test set (its clean images and poisoned copies).</summary>
    public static StreamPool From(BackdoorTestSet testSet) => new(testSet.Clean, testSet.CleanLabels, testSet.Poisoned, testSet.Target);

    public FloatBatch Clean { get; }
    public int[] Labels { get; }
    public FloatBatch Triggered { get; }
    public int Target { get; }
    public int Count => Labels.Length;

    /// <summary>The row of image <paramref name="index"/>'s triggered copy in <see cref="Triggered"/>, or -1 for an image of the target class.</summary>
    public int TriggeredRow(int index) => _triggeredRow[index];

    /// <summary>The images of <paramref name="inputs"/>, in order (each clean or triggered as the input says).</summary>
    public FloatBatch Gather(IReadOnlyList<StreamInput> inputs)
    {
        int size = Clean.SampleSize;
        var data = new float[inputs.Count * size];
        for (int n = 0; n < inputs.Count; n++)
        {
            var input = inputs[n];
            var source = input.Triggered ? Triggered.Sample(RequireTriggeredRow(input.PoolIndex)) : Clean.Sample(input.PoolIndex);
            source.CopyTo(data.AsSpan(n * size, size));
        }
        return new FloatBatch(data, [inputs.Count, .. Clean.SampleShape]);
    }

    /// <summary>A value per (image, triggered or not) from one pass over the pool: <paramref name="compute"/> runs once on
    /// the clean images and once on the triggered copies (e.g. a detector's scores, the model's predictions); with
    /// <paramref name="triggeredRows"/> only on those triggered copies (the ones some stream shows), the rest left unknown.</summary>
    public PoolValues<T> Compute<T>(Func<FloatBatch, T[]> compute, IReadOnlyCollection<int>? triggeredRows = null)
    {
        var clean = compute(Clean);
        var rows = triggeredRows?.Distinct().Order().ToArray() ?? Enumerable.Range(0, Triggered.Count).ToArray();
        var computed = rows.Length == 0 ? [] : compute(Rows(Triggered, rows));
        if (clean.Length != Clean.Count || computed.Length != rows.Length)
            throw new InvalidOperationException($"A per-image computation returned {clean.Length} and {computed.Length} values for {Clean.Count} clean and {rows.Length} triggered images.");
        var triggered = new T[Triggered.Count];
        var known = new bool[Triggered.Count];
        for (int n = 0; n < rows.Length; n++) (triggered[rows[n]], known[rows[n]]) = (computed[n], true);
        return new PoolValues<T>(this, clean, triggered, known);
    }

    private static FloatBatch Rows(FloatBatch batch, int[] rows)
    {
        int size = batch.SampleSize;
        var data = new float[rows.Length * size];
        for (int n = 0; n < rows.Length; n++) batch.Sample(rows[n]).CopyTo(data.AsSpan(n * size, size));
        return new FloatBatch(data, [rows.Length, .. batch.SampleShape]);
    }

    internal int RequireTriggeredRow(int index) => _triggeredRow[index] is >= 0 and var row
        ? row
        : throw new ArgumentException($"Pool image {index} is of the target class {Target}; it has no triggered copy.");
}

/// <summary>A value for every pool image and for the triggered copies computed (see <see cref="StreamPool.Compute{T}"/>).</summary>
public sealed class PoolValues<T>(StreamPool pool, T[] clean, T[] triggered, bool[] known)
{
    public T[] Clean { get; } = clean;
    /// <summary>The values of the triggered copies that were computed.</summary>
    public T[] KnownTriggered => triggered.Where((_, row) => known[row]).ToArray();

    public T this[StreamInput input]
    {
        get
        {
            if (!input.Triggered) return Clean[input.PoolIndex];
            int row = pool.RequireTriggeredRow(input.PoolIndex);
            return known[row] ? triggered[row] : throw new InvalidOperationException($"Pool image {input.PoolIndex}'s triggered copy was not computed; pass it to Compute.");
        }
    }
}
