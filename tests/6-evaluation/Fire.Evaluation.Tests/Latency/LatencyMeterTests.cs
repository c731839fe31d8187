using Fire.Evaluation.Latency;

namespace Fire.Evaluation.Tests.Latency;

public class LatencyMeterTests
{
    private static FloatBatch Batch(int count) => new(new float[count * 4], new[] { count, 1, 2, 2 });

    [Fact]
    public void StatisticsAreMedianAndInterpolatedPercentiles()
    {
        var stats = LatencyStats.From(1, new[] { 5.0, 1.0, 3.0, 2.0, 4.0 });
        Assert.Equal(3.0, stats.MedianMs, 9);
        Assert.Equal(1.4, stats.P10Ms, 9); // position 0.4 between 1 and 2
        Assert.Equal(4.6, stats.P90Ms, 9); // position 3.6 between 4 and 5
        Assert.Equal((1.0, 5.0), (stats.MinMs, stats.MaxMs));
        Assert.Equal(3.0, stats.MsPerSample, 9);
        Assert.Equal(1000.0 / 3, stats.ImagesPerSecond, 9);
    }

    [Fact]
    public void ThroughputCountsEveryImageOfTheBatch()
    {
        var stats = LatencyStats.From(128, new[] { 64.0, 64.0 });
        Assert.Equal(0.5, stats.MsPerSample, 9);
        Assert.Equal(2000.0, stats.ImagesPerSecond, 9);
    }

    [Fact]
    public void WarmUpRunsAreNotTimed()
    {
        var clock = new FakeClock();
        var durations = new Queue<double>(new[] { 900.0, 800.0, 5, 1, 3, 2, 4 });
        var meter = new LatencyMeter(new LatencyOptions(WarmupRuns: 2, TimedRuns: 5, MinTimedSeconds: 0), clock);
        var stats = meter.Measure(x => { clock.Advance(durations.Dequeue()); return new int[x.Count]; }, Batch(1));
        Assert.Empty(durations);
        Assert.Equal(5, stats.Runs);
        Assert.Equal(3.0, stats.MedianMs, 9);
        Assert.Equal(5.0, stats.MaxMs, 9);
    }

    [Fact]
    public void FastCallsAreTimedForTheMinimumDuration()
    {
        var clock = new FakeClock();
        var meter = new LatencyMeter(new LatencyOptions(WarmupRuns: 0, TimedRuns: 3, MinTimedSeconds: 0.01), clock);
        var stats = meter.Measure(x => { clock.Advance(2); return new int[x.Count]; }, Batch(1));
        Assert.Equal(5, stats.Runs); // 3 calls are not yet 10 ms
    }

    [Fact]
    public void APredictionThatDropsImagesIsAnError()
    {
        var meter = new LatencyMeter(new LatencyOptions(0, 1, 0), new FakeClock());
        Assert.Throws<InvalidOperationException>(() => meter.Measure(_ => new int[1], Batch(2)));
    }

    [Fact]
    public void OptionsAreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatencyMeter(new LatencyOptions(TimedRuns: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatencyMeter(new LatencyOptions(MinTimedSeconds: -1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatencyMeter(new LatencyOptions(MinTimedSeconds: double.NaN)));
    }

    [Fact]
    public void OptionsDescribeThemselvesForReports() =>
        Assert.Equal("5 warm-up calls, then at least 30 timed calls and 1 s of timed calls per candidate and batch size", new LatencyOptions().Describe());
}
