namespace Fire.Core;

/// <summary>Sample quantiles with linear interpolation between order statistics (NumPy's default, Hyndman-Fan type 7).</summary>
public static class Quantiles
{
    public static double Of(IEnumerable<double> values, double q)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return OfSorted(sorted, q);
    }

    public static double OfSorted(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) throw new ArgumentException("The quantile of an empty sample is undefined.");
        if (!(q >= 0 && q <= 1)) throw new ArgumentOutOfRangeException(nameof(q), $"A quantile level must be in [0, 1], got {q}.");
        double position = q * (sorted.Count - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
