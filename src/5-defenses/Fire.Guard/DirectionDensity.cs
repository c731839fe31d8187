namespace Fire.Guard;

/// <summary>Which coordinates of the difference of means a trigger direction keeps.</summary>
public enum DirectionDensity
{
    /// <summary>Every coordinate: beta is the difference of means itself (the paper's estimate).</summary>
    Dense,
    /// <summary>
    /// Only the coordinates whose difference is significant: beta_j is kept when |beta_j| &gt; sqrt(2 ln D) * se_j, where
    /// se_j is its standard error (from the per-coordinate variances of the observed and the clean samples) and D the
    /// layer's dimension (Donoho and Johnstone's universal threshold, applied hard); the others are set to 0. A local
    /// trigger (a patch) moves few coordinates, and with few observed samples the rest of a dense estimate is sampling
    /// noise that tilts the unit direction away from the trigger. With fewer than 2 observed samples there is no
    /// spread to test against, and the sparse direction is the dense one.
    /// </summary>
    Sparse,
}

/// <summary>Command-line names of the direction densities, and the sparse estimate.</summary>
public static class DirectionDensities
{
    public static readonly IReadOnlyList<DirectionDensity> All = Enum.GetValues<DirectionDensity>();

    public static string Name(DirectionDensity density) => density switch
    {
        DirectionDensity.Dense => "dense",
        DirectionDensity.Sparse => "sparse",
        _ => throw new ArgumentOutOfRangeException(nameof(density)),
    };

    public static DirectionDensity Parse(string name)
    {
        foreach (var density in All)
            if (string.Equals(Name(density), name.Trim(), StringComparison.OrdinalIgnoreCase)) return density;
        throw new ArgumentException($"Unknown direction density '{name}'. Densities: {string.Join(", ", All.Select(Name))}.");
    }

    /// <summary>The universal threshold sqrt(2 ln D), in standard errors, for a layer of <paramref name="dimension"/> values.</summary>
    public static double Threshold(int dimension) => Math.Sqrt(2 * Math.Log(Math.Max(dimension, 2)));

    /// <summary>
    /// beta from running means: the mean of <paramref name="observed"/> (unpaired: poisoned activations; paired:
    /// differences), minus the mean of <paramref name="clean"/> when unpaired (null when paired), dense or sparse.
    /// </summary>
    public static float[] Estimate(DirectionDensity density, RunningMean observed, RunningMean? clean)
    {
        var beta = observed.Mean();
        if (clean is not null)
        {
            var cleanMean = clean.Mean();
            for (int i = 0; i < beta.Length; i++) beta[i] -= cleanMean[i];
        }
        return Apply(density, beta, observed, clean);
    }

    /// <summary>
    /// <paramref name="beta"/> (the mean of <paramref name="observed"/>, minus the mean of <paramref name="clean"/> when
    /// unpaired) with the coordinates that are not significant set to 0; <paramref name="beta"/> itself when
    /// <paramref name="density"/> is dense or fewer than 2 samples were observed. <paramref name="clean"/> is null when paired.
    /// </summary>
    public static float[] Apply(DirectionDensity density, float[] beta, RunningMean observed, RunningMean? clean)
    {
        if (density == DirectionDensity.Dense || observed.Count < 2) return beta;
        var observedVariance = observed.Variance();
        var cleanVariance = clean is { Count: >= 2 } ? clean.Variance() : null;
        double threshold = Threshold(beta.Length);
        var kept = new float[beta.Length];
        for (int j = 0; j < beta.Length; j++)
        {
            double squaredError = observedVariance[j] / observed.Count + (cleanVariance is null ? 0 : cleanVariance[j] / clean!.Count);
            if (Math.Abs(beta[j]) > threshold * Math.Sqrt(squaredError)) kept[j] = beta[j];
        }
        return kept;
    }
}
