using Fire.Evaluation.Benchmark;

namespace Fire.Evaluation.Tests.Benchmark;

/// <summary>The real backend on a tiny MNIST matrix: a backdoored small-cnn trained once (1 epoch, 500 images), cached and reused.</summary>
[Trait(TestCategories.Name, TestCategories.Slow)]
public sealed class RealBackendTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fire-bench-real-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly BenchmarkRecipe Recipe = new()
    {
        Epochs = 1, TrainSubset = 500, TestSubset = 100, CleanReference = 20, Observed = 10, StreamingPoints = [],
        LatencyWarmupRuns = 0, LatencyTimedRuns = 1, LatencyMinSeconds = 0, LearningRate = 0.05,
    };

    [Fact]
    public void A_tiny_mnist_matrix_trains_once_measures_every_cell_and_reuses_the_cached_model()
    {
        string results = Path.Combine(_folder, "results.json");
        var models = new ModelCache(Path.Combine(_folder, "models"));
        var matrix = new BenchmarkMatrix(["mnist"], ["small-cnn"], ["badnets"], ["none", "blur"], [0], Recipe);
        var statuses = new List<string>();
        var progress = new Collect(p => statuses.Add(p.Stage));

        var first = new BenchmarkRunner(new TorchBenchmarkBackend(models, SharedFolders.Data)).Run(matrix, results, progress: progress);
        Assert.Equal((2, 0, 0), (first.Computed, first.Reused, first.Failed));
        Assert.Contains(statuses, s => s.StartsWith("training model mnist-small-cnn-badnets-"));
        var model = Assert.Single(Directory.GetFiles(models.Folder, "*.pt"));
        var none = first.Results[0].Measurement!;
        Assert.Equal(Path.GetFileNameWithoutExtension(model), first.Results[0].ModelKey);
        Assert.InRange(none.Metrics.CleanAccuracy, 0.05, 1.0);
        Assert.True(none.Metrics.PoisonedAccuracy + none.Metrics.AttackSuccessRate <= 1.0 + 1e-12); // disjoint: true class is never the target
        Assert.Equal(1, none.Latency!.Batch1.Stats.BatchSize);
        Assert.Equal(128, none.Latency.Batch128.Stats.BatchSize);
        Assert.True(first.Results[1].Measurement!.Latency!.Batch1.Ratio > 0);

        statuses.Clear();
        var grown = matrix with { Defenses = ["none", "blur", "shrinkpad"] };
        var second = new BenchmarkRunner(new TorchBenchmarkBackend(models, SharedFolders.Data)).Run(grown, results, progress: progress);
        Assert.Equal((1, 2), (second.Computed, second.Reused));
        Assert.Contains(statuses, s => s.StartsWith("reusing model mnist-small-cnn-badnets-"));
        Assert.DoesNotContain(statuses, s => s.StartsWith("training"));
        Assert.Equal(none.Metrics, second.Results[0].Measurement!.Metrics);
    }

    private sealed class Collect(Action<BenchmarkProgress> report) : IProgress<BenchmarkProgress>
    {
        public void Report(BenchmarkProgress value) => report(value);
    }
}
