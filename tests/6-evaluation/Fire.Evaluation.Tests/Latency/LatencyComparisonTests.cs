using Fire.Evaluation.Latency;

namespace Fire.Evaluation.Tests.Latency;

public class LatencyComparisonTests
{
    // Pool of 3 images whose single pixel is its index, so each call reveals which images it got.
    private static readonly FloatBatch Pool = new(new[] { 0f, 1f, 2f }, new[] { 3, 1, 1, 1 });

    [Fact]
    public void RatiosCompareMediansWithTheUndefendedModelAtEachBatchSize()
    {
        var clock = new FakeClock();
        int round = 0;
        LatencyCandidate Candidate(string name, double msPerImage, double warmupMs) => new(name, x =>
        {
            clock.Advance(round++ < 4 ? warmupMs : msPerImage * x.Count);
            return new int[x.Count];
        });
        var comparison = new LatencyComparison(new LatencyOptions(WarmupRuns: 2, TimedRuns: 3, MinTimedSeconds: 0), clock);
        var undefended = Candidate("none", 2, 1000);
        var defense = Candidate("slow", 3, 1);

        var report = comparison.Run(undefended, new[] { defense }, Pool, new[] { 1, 4 });

        Assert.Equal(2.0, report.Row("none", 1).Stats.MedianMs, 9);
        Assert.Equal(1.5, report.Row("slow", 1).Ratio, 9);
        Assert.Equal(1.0, report.Row("none", 1).Ratio, 9);
        Assert.Equal(12.0, report.Row("slow", 4).Stats.MedianMs, 9);
        Assert.Equal(1.5, report.Row("slow", 4).Ratio, 9);
        Assert.Equal(3, report.Row("slow", 4).Stats.Runs);
    }

    [Fact]
    public void CandidatesTakeTurnsOnTheSameBatches()
    {
        var calls = new List<(string Name, float[] Pixels)>();
        LatencyCandidate Recording(string name) => new(name, x => { calls.Add((name, x.Data.ToArray())); return new int[x.Count]; });
        new LatencyComparison(new LatencyOptions(WarmupRuns: 1, TimedRuns: 2, MinTimedSeconds: 0), new FakeClock())
            .Run(Recording("a"), new[] { Recording("b"), Recording("c") }, Pool, new[] { 2 });

        // Round r starts with candidate r mod 3 and cuts images from r * 2, wrapping around the pool of 3.
        Assert.Equal(new[] { "a", "b", "c", "b", "c", "a", "c", "a", "b" }, calls.Select(c => c.Name));
        var expectedBatches = new[] { new[] { 0f, 1f }, new[] { 2f, 0f }, new[] { 1f, 2f } };
        for (int i = 0; i < calls.Count; i++) Assert.Equal(expectedBatches[i / 3], calls[i].Pixels);
    }

    [Fact]
    public void FastCallsAreTimedUntilEachCandidateHasTheMinimumDuration()
    {
        var clock = new FakeClock();
        LatencyCandidate Candidate(string name, double ms) => new(name, x => { clock.Advance(ms); return new int[x.Count]; });
        // 3 calls at least, and 10 ms of timed calls each: the 1 ms candidate needs 10 rounds, which the 4 ms one also gets.
        var report = new LatencyComparison(new LatencyOptions(WarmupRuns: 1, TimedRuns: 3, MinTimedSeconds: 0.01), clock)
            .Run(Candidate("fast", 1), [Candidate("slow", 4)], Pool, [1]);

        Assert.Equal(10, report.Row("fast", 1).Stats.Runs);
        Assert.Equal(10, report.Row("slow", 1).Stats.Runs);
        Assert.Equal(4.0, report.Row("slow", 1).Ratio, 9);
    }

    [Fact]
    public void AClockThatDoesNotMoveStopsAtTheRunBound()
    {
        var options = new LatencyOptions(WarmupRuns: 0, TimedRuns: 1, MinTimedSeconds: 1);
        Assert.True(options.NeedsMore(LatencyOptions.MaxTimedRuns - 1, 0));
        Assert.False(options.NeedsMore(LatencyOptions.MaxTimedRuns, 0));
        Assert.False(options.NeedsMore(1, 1000));
        Assert.True(options.NeedsMore(0, 5000));
    }

    [Fact]
    public void DuplicateNamesAreRejected()
    {
        var same = new LatencyCandidate("x", b => new int[b.Count]);
        Assert.Throws<ArgumentException>(() => new LatencyComparison(clock: new FakeClock()).Run(same, new[] { same }, Pool));
    }
}
