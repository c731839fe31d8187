namespace Fire.Defenses.LatentRepair;

/// <summary>
/// The mean of a stream of equally long vectors, updated one vector at a time: mean += (x - mean) / n, with
/// double accumulators. Unlike a running sum it neither overflows nor loses small updates after many samples,
/// and it is the exact mean after the first sample.
/// </summary>
public sealed class RunningMean
{
    private readonly double[] _mean;

    public RunningMean(int dimension)
    {
        if (dimension <= 0) throw new ArgumentOutOfRangeException(nameof(dimension), $"A mean needs a positive dimension, got {dimension}.");
        _mean = new double[dimension];
    }

    /// <summary>Restores a mean saved from <see cref="Accumulator"/> and <see cref="Count"/>, to continue exactly.</summary>
    public RunningMean(double[] mean, long count) : this(mean.Length)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"A sample count cannot be negative, got {count}.");
        for (int i = 0; i < mean.Length; i++) _mean[i] = mean[i];
        Count = count;
    }

    public int Dimension => _mean.Length;
    /// <summary>The mean at full precision (for saving).</summary>
    public ReadOnlySpan<double> Accumulator => _mean;
    public long Count { get; private set; }

    public void Add(ReadOnlySpan<float> x)
    {
        CheckLength(x.Length);
        Count++;
        double weight = 1.0 / Count;
        for (int i = 0; i < _mean.Length; i++) _mean[i] += (x[i] - _mean[i]) * weight;
    }

    /// <summary>Adds the vector <paramref name="minuend"/> - <paramref name="subtrahend"/> (paired differences).</summary>
    public void AddDifference(ReadOnlySpan<float> minuend, ReadOnlySpan<float> subtrahend)
    {
        CheckLength(minuend.Length);
        CheckLength(subtrahend.Length);
        Count++;
        double weight = 1.0 / Count;
        for (int i = 0; i < _mean.Length; i++) _mean[i] += ((double)minuend[i] - subtrahend[i] - _mean[i]) * weight;
    }

    /// <summary>The current mean as floats; an error before the first sample, since no mean exists yet.</summary>
    public float[] Mean()
    {
        if (Count == 0) throw new InvalidOperationException("The mean of no samples is undefined: add a sample first.");
        return _mean.Select(v => (float)v).ToArray();
    }

    private void CheckLength(int length)
    {
        if (length != _mean.Length)
            throw new ArgumentException($"A vector of {length} values cannot join a running mean of dimension {_mean.Length}.");
    }
}
