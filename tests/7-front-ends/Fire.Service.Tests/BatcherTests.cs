using System.Diagnostics;
using Fire.Service.Serving;
using Fire.Service.TestHost;

namespace Fire.Service.Tests;

/// <summary>The dynamic batcher waits only for requests still being read, never for requests already answered.</summary>
public class BatcherTests
{
    private static GuardHost BareHost() =>
        GuardHost.Open(new ToyBackdoor(), null, Path.Combine(Path.GetTempPath(), "fire-serve-tests", Guid.NewGuid().ToString("N")));

    [Fact]
    public async Task ARequestStillBeingReadJoinsTheBatchAndAQueuedOneStopsCounting()
    {
        using var host = BareHost();
        var metrics = new ServiceMetrics();
        await using var batcher = new PredictionBatcher(host, new BatchingOptions { MaxWait = TimeSpan.FromSeconds(1) }, metrics);
        // Two requests arrive; the first is queued while the second is still being read: one model call for both.
        var first = batcher.Announce();
        var second = batcher.Announce();
        var a = batcher.PredictAsync(ToyBackdoor.Images([1], 1), first);
        await Task.Delay(50);
        var b = batcher.PredictAsync(ToyBackdoor.Images([2], 2), second);
        Assert.Equal([1, 2], (await a).Predictions.Concat((await b).Predictions).Select(p => p.Label));
        Assert.Equal((1, 2.0), ((int)metrics.BatchImages.Count, metrics.BatchImages.Sum));

        // Each of those is answered and no request is being read: the next one runs at once, far below the 1-second bound.
        var clock = Stopwatch.StartNew();
        var lone = await batcher.PredictAsync(ToyBackdoor.Images([2], 3), batcher.Announce());
        Assert.Equal(2, lone.Predictions.Single().Label);
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500), $"A lone request waited {clock.Elapsed.TotalMilliseconds:F0} ms.");
    }
}
