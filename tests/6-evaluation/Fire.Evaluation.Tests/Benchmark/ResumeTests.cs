using Fire.Evaluation.Benchmark;

namespace Fire.Evaluation.Tests.Benchmark;

public sealed class ResumeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fire-bench-tests-").FullName;
    private string ResultsPath => Path.Combine(_folder, "results.json");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>1 data set x 1 model x 2 attacks x 3 defenses: 6 cells, two models.</summary>
    private static BenchmarkMatrix Matrix(BenchmarkRecipe? recipe = null) =>
        new(["mnist"], ["small-cnn"], ["badnets", "blended"], ["none", "fire", "strip"], [0], recipe ?? new BenchmarkRecipe { Epochs = 1 });

    [Fact]
    public void An_interrupted_matrix_resumes_with_only_the_missing_cells()
    {
        // The fourth cell (blended / none) is interrupted: three cells are finished and saved.
        var first = new FakeBackend { BeforeRun = (n, _) => { if (n == 4) throw new OperationCanceledException(); } };
        Assert.Throws<OperationCanceledException>(() => new BenchmarkRunner(first).Run(Matrix(), ResultsPath));
        Assert.Equal(
            ["mnist/small-cnn/badnets/none/seed0", "mnist/small-cnn/badnets/fire-unpaired/seed0", "mnist/small-cnn/badnets/strip/seed0"],
            BenchmarkResults.Load(ResultsPath).All.Select(r => r.Cell.Id));

        var second = new FakeBackend();
        var outcome = new BenchmarkRunner(second).Run(Matrix(), ResultsPath);
        Assert.Equal(["mnist/small-cnn/blended/none/seed0", "mnist/small-cnn/blended/fire-unpaired/seed0", "mnist/small-cnn/blended/strip/seed0"], second.Runs);
        Assert.Equal([new BenchmarkGroup("mnist", "small-cnn", "blended", 0)], second.Prepared); // the finished model is not even loaded
        Assert.Equal((3, 3, 0), (outcome.Computed, outcome.Reused, outcome.Failed));
        Assert.Equal(6, outcome.Results.Count);
        Assert.All(outcome.Results, r => Assert.Equal(FakeBackend.Measure(r.Cell).Metrics, r.Measurement!.Metrics));

        var third = new FakeBackend();
        outcome = new BenchmarkRunner(third).Run(Matrix(), ResultsPath);
        Assert.Empty(third.Runs);
        Assert.Empty(third.Prepared);
        Assert.Equal((0, 6), (outcome.Computed, outcome.Reused));
    }

    [Fact]
    public void A_changed_recipe_or_force_recomputes_and_a_bigger_matrix_computes_only_the_new_cells()
    {
        new BenchmarkRunner(new FakeBackend()).Run(Matrix(), ResultsPath);

        var changed = new FakeBackend();
        new BenchmarkRunner(changed).Run(Matrix(new BenchmarkRecipe { Epochs = 2 }), ResultsPath);
        Assert.Equal(6, changed.Runs.Count);

        var forced = new FakeBackend();
        new BenchmarkRunner(forced).Run(Matrix(new BenchmarkRecipe { Epochs = 2 }), ResultsPath, force: true);
        Assert.Equal(6, forced.Runs.Count);

        var grown = new FakeBackend();
        var bigger = Matrix(new BenchmarkRecipe { Epochs = 2 }) with { Defenses = ["none", "fire", "strip", "jpeg"] };
        var outcome = new BenchmarkRunner(grown).Run(bigger, ResultsPath);
        Assert.Equal(["mnist/small-cnn/badnets/jpeg/seed0", "mnist/small-cnn/blended/jpeg/seed0"], grown.Runs);
        Assert.Equal(8, outcome.Results.Count);
    }

    [Fact]
    public void A_failing_defense_is_recorded_the_run_goes_on_and_the_next_run_retries_it()
    {
        var failing = new FakeBackend { BeforeRun = (_, cell) => { if (cell.Defense == "strip") throw new ArgumentException("strip broke"); } };
        var outcome = new BenchmarkRunner(failing).Run(Matrix(), ResultsPath);
        Assert.Equal((6, 2), (outcome.Computed, outcome.Failed));
        var failed = BenchmarkResults.Load(ResultsPath).All.Where(r => r.Error is not null).ToList();
        Assert.Equal(["mnist/small-cnn/badnets/strip/seed0", "mnist/small-cnn/blended/strip/seed0"], failed.Select(r => r.Cell.Id));
        Assert.Equal("ArgumentException: strip broke", failed[0].Error);
        Assert.Null(failed[0].Measurement);

        var retry = new FakeBackend();
        new BenchmarkRunner(retry).Run(Matrix(), ResultsPath);
        Assert.Equal(["mnist/small-cnn/badnets/strip/seed0", "mnist/small-cnn/blended/strip/seed0"], retry.Runs);
    }

    [Fact]
    public void Progress_counts_reused_cells_as_done_and_reports_each_finished_cell()
    {
        new BenchmarkRunner(new FakeBackend { BeforeRun = (n, _) => { if (n == 2) throw new OperationCanceledException(); } })
            .Invoking(r => r.Run(Matrix(), ResultsPath));
        var reports = new List<BenchmarkProgress>();
        new BenchmarkRunner(new FakeBackend()).Run(Matrix(), ResultsPath, progress: new Collect(reports));
        Assert.Equal((1, 6, 1), (reports[0].Done, reports[0].Total, reports[0].Reused));
        var finished = reports.Where(r => r.Finished is not null).ToList();
        Assert.Equal(5, finished.Count);
        Assert.Equal([2, 3, 4, 5, 6], finished.Select(r => r.Done));
        Assert.Equal(TimeSpan.Zero, finished[^1].Eta);
    }

    private sealed class Collect(List<BenchmarkProgress> reports) : IProgress<BenchmarkProgress>
    {
        public void Report(BenchmarkProgress value) => reports.Add(value);
    }
}

internal static class RunnerTestExtensions
{
    /// <summary>Runs and swallows the cancellation that interrupts it (a simulated Ctrl+C).</summary>
    public static void Invoking(this BenchmarkRunner runner, Action<BenchmarkRunner> run)
    {
        try { run(runner); } catch (OperationCanceledException) { }
    }
}
