using Fire.Evaluation.Streams;

namespace Fire.Evaluation.Tests.Streams;

public class StreamFiguresTests
{
    private static readonly StreamWindows Four = new(Triggered: 4, Clean: 2, AsrLimit: 0.05);

    [Fact]
    public void SettlesAfterTheFirstTriggeredInputOfTheLastBadRun()
    {
        int[] positions = [10, 20, 30, 40, 50, 60, 70, 80];
        // Runs of 4 starting at triggered inputs 0 and 1 hold a hit; from input 2 on none does.
        Assert.Equal(21, StreamSummary.SettlePosition(positions, [true, true, false, false, false, false, false, false], Four));
        Assert.Equal(0, StreamSummary.SettlePosition(positions, new bool[8], Four));
        // A hit in the last run: never settled.
        Assert.Null(StreamSummary.SettlePosition(positions, [false, false, false, false, false, false, false, true], Four));
        // A lower limit than one hit in four is reached only by two hits.
        Assert.Equal(31, StreamSummary.SettlePosition(positions, [true, false, true, true, false, false, false, true], Four with { AsrLimit = 0.5 }));
    }

    [Fact]
    public void FewerTriggeredInputsThanARunAreJudgedTogether()
    {
        Assert.Equal(0, StreamSummary.SettlePosition([5, 9], [false, false], Four));
        Assert.Null(StreamSummary.SettlePosition([5, 9], [true, false], Four));
        Assert.Equal(0, StreamSummary.SettlePosition([], [], Four));
    }

    [Fact]
    public void SummaryCountsCaAsrPaFlagsAndLetThrough()
    {
        var pool = StreamBookkeepingTests.Pool(12); // labels i % 3, target 0: 8 non-target images
        var stream = InputStream.Draw(pool.Labels, pool.Target, share: 1.0, seed: 0); // all 8 non-target images triggered
        var inputs = stream.Inputs;
        var answers = new int[12];
        var undefended = new int[12];
        var flags = new bool[12];
        int seen = 0;
        foreach (var input in inputs)
        {
            int n = input.Position;
            undefended[n] = input.Triggered ? 0 : input.Label; // undefended: every triggered input hits, every clean one is right
            if (input.Triggered)
            {
                answers[n] = seen < 2 ? 0 : input.Label; // the first two triggered inputs hit the target, the rest are repaired
                flags[n] = seen % 2 == 0;
                seen++;
            }
            else
            {
                answers[n] = input.PoolIndex == 0 ? 1 : input.Label; // one clean mistake among the 4 clean inputs
                flags[n] = input.PoolIndex == 3;
            }
        }
        var summary = StreamSummary.Of(new StreamRun(stream, "test", 0, answers, undefended, flags), Four);
        Assert.Equal(8, summary.TriggeredInputs);
        Assert.Equal(0.75, summary.CleanAccuracy, 12);
        Assert.Equal(1.0, summary.UndefendedCleanAccuracy, 12);
        Assert.Equal(0.25, summary.AttackSuccessRate, 12);
        Assert.Equal(1.0, summary.UndefendedAttackSuccessRate, 12);
        Assert.Equal(0.75, summary.PoisonedAccuracy, 12);
        Assert.Equal(0.0, summary.FinalAttackSuccessRate, 12);
        Assert.Equal(5, summary.Flags);
        Assert.Equal(1, summary.FalseFlags);
        Assert.Equal(4, summary.MissedTriggered);
        var triggered = inputs.Where(i => i.Triggered).Select(i => i.Position).ToArray();
        Assert.Equal(triggered[1] + 1, summary.SettledAt);
        Assert.Equal(2, summary.LetThrough);
        Assert.Equal(2, summary.ReachedTarget);
    }

    [Fact]
    public void RollingCurveUsesTheLastWindowOfEachKind()
    {
        var pool = StreamBookkeepingTests.Pool(12);
        var stream = InputStream.Draw(pool.Labels, pool.Target, share: 1.0, seed: 0);
        var answers = stream.Inputs.Select(i => i.Triggered ? 0 : i.Label).ToArray(); // every triggered input hits
        var curve = StreamCurve.Of(new StreamRun(stream, "test", 0, answers, answers, new bool[12]), Four, step: 5);
        Assert.Equal([5, 10, 12], curve.Select(p => p.Position));
        Assert.All(curve.Where(p => !double.IsNaN(p.AttackSuccessRate)), p => Assert.Equal(1.0, p.AttackSuccessRate));
        Assert.All(curve.Where(p => !double.IsNaN(p.CleanAccuracy)), p => Assert.Equal(1.0, p.CleanAccuracy));
        Assert.Equal(0.0, curve[^1].PoisonedAccuracy);
    }

    [Theory]
    [InlineData("oracle", "oracle", null)]
    [InlineData("strip@0.05", "strip", 0.05)]
    [InlineData(" Latent@0.01 ", "latent", 0.01)]
    public void ParsesFlagSources(string text, string detector, double? rate)
    {
        var spec = FlagSourceSpec.Parse(text);
        Assert.Equal(detector, spec.Detector);
        Assert.Equal(rate, spec.FalsePositiveRate);
    }

    [Theory]
    [InlineData("strip")]
    [InlineData("strip@5")]
    [InlineData("@0.05")]
    [InlineData("strip@zero")]
    public void RefusesMalformedFlagSources(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => FlagSourceSpec.Parse(text));
        Assert.Contains(text, error.Message);
    }

    [Fact]
    public void ThresholdFlagsMarkScoresStrictlyAboveTheCleanQuantile()
    {
        var pool = StreamBookkeepingTests.Pool(6);
        var scores = pool.Compute(images => images.Data.ToArray()); // score = pixel value: triggered copies score 100+
        var threshold = DetectorThreshold.Calibrate([1f, 2f, 3f, 4f, 5f], 0.2);
        var source = new ThresholdFlags("pixel@20%", scores, threshold);
        var stream = InputStream.Draw(pool.Labels, pool.Target, share: 1.0, seed: 0);
        var chunk = stream.Chunks(pool, 6).Single();
        var flags = source.Flag(chunk);
        Assert.Equal(chunk.Inputs.Select(i => i.Triggered || i.PoolIndex > threshold.Value), flags);
        Assert.Equal("strip@5%", ThresholdFlags.NameFor("strip", 0.05));
    }
}
