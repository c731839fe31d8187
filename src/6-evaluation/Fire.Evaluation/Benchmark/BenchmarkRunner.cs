using System.Diagnostics;

namespace Fire.Evaluation.Benchmark;

/// <summary>What a run did: the results of the matrix's cells (in matrix order) and how many were computed or reused.</summary>
public sealed record BenchmarkOutcome(IReadOnlyList<CellResult> Results, int Computed, int Reused, int Failed);

/// <summary>
/// Runs a benchmark matrix, resuming: cells whose result in the results file has the same fingerprint are reused;
/// only missing, stale or failed cells are computed (all of them with <c>force</c>). Each model is prepared once for
/// all its pending cells and not at all when none is pending. After every cell the results file is rewritten
/// atomically, so an interruption loses at most the cell in progress. A defense that fails is recorded with its error
/// (and retried next time) while the run goes on; failing to prepare a model stops the run.
/// </summary>
public sealed class BenchmarkRunner(IBenchmarkBackend backend)
{
    /// <summary>The fingerprint of a cell under a recipe: a different one makes an earlier result stale.</summary>
    public static string Fingerprint(BenchmarkCell cell, BenchmarkRecipe recipe) => ContentHash.Of(cell, recipe);

    public BenchmarkOutcome Run(BenchmarkMatrix matrix, string resultsPath, bool force = false,
        IProgress<BenchmarkProgress>? progress = null, CancellationToken cancellation = default)
    {
        matrix.Validate();
        var defenses = matrix.Defenses.Select(BenchmarkDefense.Parse).ToDictionary(d => d.Name);
        var results = BenchmarkResults.Load(resultsPath);
        var cells = matrix.Cells();
        var pending = cells.Where(c => force || results.Find(c)?.Finishes(Fingerprint(c, matrix.Recipe)) != true).ToList();
        int reused = cells.Count - pending.Count, computed = 0, failed = 0;
        var clock = Stopwatch.StartNew();

        void Report(BenchmarkCell? current, string stage, CellResult? finished = null)
        {
            TimeSpan? eta = computed == 0 ? null : clock.Elapsed / computed * (pending.Count - computed);
            progress?.Report(new BenchmarkProgress(reused + computed, cells.Count, reused, current, stage, clock.Elapsed, eta, finished));
        }

        Report(null, pending.Count == 0 ? "all cells already measured" : $"{pending.Count} cell(s) to compute");
        foreach (var group in pending.GroupBy(c => c.Group))
        {
            cancellation.ThrowIfCancellationRequested();
            var first = group.First();
            using var model = backend.Prepare(group.Key, matrix.Recipe, stage => Report(first, stage), cancellation);
            foreach (var cell in group)
            {
                cancellation.ThrowIfCancellationRequested();
                var result = RunCell(model, cell, defenses[cell.Defense], matrix.Recipe, stage => Report(cell, stage), cancellation);
                results.Put(result);
                results.Save(resultsPath);
                computed++;
                if (result.Error is not null) failed++;
                Report(cell, result.Error is null ? "done" : $"failed: {result.Error}", result);
            }
        }
        return new BenchmarkOutcome(cells.Select(c => results.Find(c)!).ToList(), computed, reused, failed);
    }

    private static CellResult RunCell(IPreparedModel model, BenchmarkCell cell, BenchmarkDefense defense, BenchmarkRecipe recipe,
        Action<string> status, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        CellMeasurement? measurement = null;
        string? error = null;
        try
        {
            measurement = model.Run(defense, status, cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            error = $"{e.GetType().Name}: {e.Message}";
        }
        return new CellResult(cell, Fingerprint(cell, recipe), recipe, model.ModelKey, measurement, error, clock.Elapsed.TotalSeconds, DateTimeOffset.UtcNow);
    }
}
