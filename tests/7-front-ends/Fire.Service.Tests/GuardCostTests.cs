using Fire.Data;
using Fire.Guard;
using Fire.Service.Benchmark;
using Fire.Service.TestHost;

namespace Fire.Service.Tests;

/// <summary>The serving benchmark's timing of the guard on the model alone, and its decoding of the request images.</summary>
public class GuardCostTests
{
    [Fact]
    public void MeasuresTheGuardedCallAgainstTheBareOneAtEachBatchSize()
    {
        using var model = new ToyBackdoor();
        using var guard = new FireGuard(model, new FireOptions { Seed = 1 });
        var labels = ToyBackdoor.Labels(300);
        guard.FitClean(ToyBackdoor.Images(labels, seed: 1), labels);
        guard.Observe(ToyBackdoor.Images(ToyBackdoor.Labels(40, nonTarget: true), seed: 2, triggered: true));
        Assert.False(guard.Plan.IsEmpty);

        var costs = GuardCost.Measure(model, guard.Plan, ToyBackdoor.Images(ToyBackdoor.Labels(5), seed: 3), [1, 8], rounds: 3, callsPerRound: 5);

        Assert.Equal([1, 8], costs.Select(c => c.Batch));
        Assert.All(costs, c =>
        {
            Assert.True(c.BareMs > 0 && c.GuardedMs > 0);
            Assert.Equal(c.GuardedMs / c.BareMs, c.Ratio);
            // A guarded call builds its answers, so it allocates something, and nothing of the size of many batches.
            Assert.InRange(c.GuardedKiBAllocated, 0.01, 1024);
        });
    }

    [Fact]
    public void DecodesRequestImagesIntoOneBatchOfTheModelsShape()
    {
        var pixels = Enumerable.Range(0, 16).Select(i => i * 17 / 255f).ToArray(); // exact bytes 0, 17, ..., 255
        string path = Path.Combine(Path.GetTempPath(), $"fire-guard-cost-{Guid.NewGuid():N}.png");
        byte[] png;
        try
        {
            ImageFiles.SavePng(path, pixels, 1, 4, 4);
            png = File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }

        var batch = GuardCost.Decode([png, png], [1, 4, 4]);

        Assert.Equal([2, 1, 4, 4], batch.Shape);
        Assert.Equal(pixels.Concat(pixels), batch.Data);
        var error = Assert.Throws<InvalidDataException>(() => GuardCost.Decode([png, [1, 2, 3]], [1, 4, 4]));
        Assert.Contains("request image 2", error.Message);
    }
}
