namespace Fire.Guard;

/// <summary>
/// The mean and per-coordinate variance of a stream of equally long vectors, updated one vector at a time
/// (Welford: mean += (x - mean) / n, m2 += (x - old mean) (x - new mean)), with double accumulators. Unlike running
/// sums they neither overflow nor lose small updates after many samples, and the mean is exact after the first sample.
/// </summary>
public sealed class RunningMean
{
    private readonly double[] _mean;
    private readonly double[] _m2;

    public RunningMean(int dimension)
    {
        if (dimension <= 0) throw new ArgumentOutOfRangeException(nameof(dimension), $"A mean needs a positive dimension, got {dimension}.");
        _mean = new double[dimension];
        _m2 = new double[dimension];
    }

    /// <summary>
    /// Restores a mean saved from <see cref="Accumulator"/>, <see cref="Count"/> and <see cref="SquaredDeviations"/>, to
    /// continue exactly. Without <paramref name="squaredDeviations"/> (files from before they were saved) the variance starts at 0.
    /// </summary>
    public RunningMean(double[] mean, long count, double[]? squaredDeviations = null) : this(mean.Length)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"A sample count cannot be negative, got {count}.");
        if (squaredDeviations is not null && squaredDeviations.Length != mean.Length)
            throw new ArgumentException($"A running mean of dimension {mean.Length} cannot take {squaredDeviations.Length} squared deviations.");
        mean.CopyTo(_mean, 0);
        squaredDeviations?.CopyTo(_m2, 0);
        Count = count;
    }

    public int Dimension => _mean.Length;
    /// <summary>The mean at full precision (for saving).</summary>
    public ReadOnlySpan<double> Accumulator => _mean;
    /// <summary>Per coordinate, the sum of squared deviations from the mean (for saving).</summary>
    public ReadOnlySpan<double> SquaredDeviations => _m2;
    public long Count { get; private set; }

    public void Add(ReadOnlySpan<float> x)
    {
        CheckLength(x.Length);
        Count++;
        double weight = 1.0 / Count;
        for (int i = 0; i < _mean.Length; i++) Update(i, x[i], weight);
    }

    /// <summary>Adds the vector <paramref name="minuend"/> - <paramref name="subtrahend"/> (paired differences).</summary>
    public void AddDifference(ReadOnlySpan<float> minuend, ReadOnlySpan<float> subtrahend)
    {
        CheckLength(minuend.Length);
        CheckLength(subtrahend.Length);
        Count++;
        double weight = 1.0 / Count;
        for (int i = 0; i < _mean.Length; i++) Update(i, (double)minuend[i] - subtrahend[i], weight);
    }

    /// <summary>The current mean as floats; an error before the first sample, since no mean exists yet.</summary>
    public float[] Mean()
    {
        if (Count == 0) throw new InvalidOperationException("The mean of no samples is undefined: add a sample first.");
        return _mean.Select(v => (float)v).ToArray();
    }

    /// <summary>The unbiased per-coordinate variance (divided by n - 1); an error before the second sample.</summary>
    public double[] Variance()
    {
        if (Count < 2) throw new InvalidOperationException($"A variance needs at least 2 samples, got {Count}.");
        return _m2.Select(v => v / (Count - 1)).ToArray();
    }

    private void Update(int i, double x, double weight)
    {
        double before = x - _mean[i];
        _mean[i] += before * weight;
        _m2[i] += before * (x - _mean[i]);
    }

    private void CheckLength(int length)
    {
        if (length != _mean.Length)
            throw new ArgumentException($"A vector of {length} values cannot join a running mean of dimension {_mean.Length}.");
    }
}
