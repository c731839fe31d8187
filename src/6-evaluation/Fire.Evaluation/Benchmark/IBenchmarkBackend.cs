namespace Fire.Evaluation.Benchmark;

/// <summary>
/// The work behind <see cref="BenchmarkRunner"/>: it prepares one backdoored model with its evaluation data and runs
/// defenses on it. The real one trains or loads models (<see cref="TorchBenchmarkBackend"/>); tests inject fakes.
/// </summary>
public interface IBenchmarkBackend
{
    /// <summary>Prepares a model; called only for groups with at least one cell to compute.</summary>
    IPreparedModel Prepare(BenchmarkGroup group, BenchmarkRecipe recipe, Action<string> status, CancellationToken cancellation);
}

/// <summary>A backdoored model ready for defenses.</summary>
public interface IPreparedModel : IDisposable
{
    /// <summary>The model cache key (for the results file), or null when the model is not cached.</summary>
    string? ModelKey { get; }
    CellMeasurement Run(BenchmarkDefense defense, Action<string> status, CancellationToken cancellation);
}

/// <summary>
/// Where a benchmark stands: cells done (finished earlier or now) of the total, the cell being computed and what it is
/// doing, and an ETA from the mean time of the cells computed in this run (null before the first one finished).
/// <see cref="Finished"/> is set on the report that follows a cell's completion.
/// </summary>
public sealed record BenchmarkProgress(int Done, int Total, int Reused, BenchmarkCell? Current, string Stage, TimeSpan Elapsed, TimeSpan? Eta,
    CellResult? Finished = null);
