namespace Fire.Guard;

/// <summary>
/// The candidates at each layer: modes x alphas x direction densities (<see cref="FireOptions"/>); sparse directions only
/// when every fold fits its direction on at least 2 samples (with fewer they equal the dense ones).
/// </summary>
internal sealed class CandidateGrid
{
    private readonly List<(RepairMode Mode, float Alpha, DirectionDensity Density)> _settings;

    public CandidateGrid(FireOptions options, CrossValidationFolds folds)
    {
        Densities = folds.SparseFits || options.Densities.All(d => d == DirectionDensity.Sparse)
            ? options.Densities
            : options.Densities.Where(d => d == DirectionDensity.Dense).ToList();
        _settings = (from mode in options.Modes from alpha in options.Alphas from density in Densities select (mode, alpha, density)).ToList();
    }

    /// <summary>The direction estimates fitted at every layer.</summary>
    public IReadOnlyList<DirectionDensity> Densities { get; }

    /// <summary>The settings at <paramref name="layer"/>, in the order they are scored and reported: by mode, then alpha, then density.</summary>
    public IReadOnlyList<RepairSetting> At(string layer) => _settings.Select(s => new RepairSetting(layer, s.Mode, s.Alpha, s.Density)).ToList();
}
