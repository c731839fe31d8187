using Fire.Guard;

namespace Fire.Guard.Tests;

public class RunningMeanTests
{
    [Fact]
    public void IsTheExactMeanAfterOneSample()
    {
        var mean = new RunningMean(3);
        mean.Add([1.5f, -2f, 7f]);
        Assert.Equal(new[] { 1.5f, -2f, 7f }, mean.Mean());
        Assert.Equal(1, mean.Count);
    }

    [Fact]
    public void StreamingMeanEqualsTheBatchMean()
    {
        var random = new Random(7);
        var rows = Enumerable.Range(0, 1000).Select(_ => Enumerable.Range(0, 5).Select(_ => (float)(random.NextDouble() * 200 - 50)).ToArray()).ToArray();
        var mean = new RunningMean(5);
        foreach (var row in rows) mean.Add(row);
        var streamed = mean.Mean();
        for (int d = 0; d < 5; d++)
            Assert.Equal(rows.Average(r => (double)r[d]), streamed[d], 4);
    }

    [Fact]
    public void StaysAccurateForALargeOffsetOverManySamples()
    {
        // A float running sum would lose the +-1 variation against 1e7 * 2e5; the incremental double mean does not.
        var mean = new RunningMean(1);
        for (int i = 0; i < 200_000; i++) mean.Add([1e7f + (i % 2 == 0 ? 1f : -1f)]);
        Assert.Equal(1e7f, mean.Mean()[0]);
    }

    [Fact]
    public void AveragesPairedDifferences()
    {
        var mean = new RunningMean(2);
        mean.AddDifference([3f, 1f], [1f, 1f]);
        mean.AddDifference([0f, 5f], [0f, 1f]);
        Assert.Equal(new[] { 1f, 2f }, mean.Mean());
    }

    [Fact]
    public void VarianceIsTheUnbiasedSampleVariancePerCoordinate()
    {
        var mean = new RunningMean(2);
        foreach (var row in new float[][] { [1f, 10f], [2f, 10f], [6f, 10f] }) mean.Add(row);
        // Coordinate 0: mean 3, squared deviations 4 + 1 + 9 = 14, / (3 - 1) = 7. Coordinate 1 is constant.
        Assert.Equal(new[] { 7.0, 0.0 }, mean.Variance());
    }

    [Fact]
    public void StreamingVarianceEqualsTheBatchVarianceAndSurvivesARestore()
    {
        var random = new Random(3);
        var rows = Enumerable.Range(0, 500).Select(_ => new[] { (float)(random.NextDouble() * 8 + 1e4) }).ToArray();
        var first = new RunningMean(1);
        foreach (var row in rows[..200]) first.Add(row);
        var resumed = new RunningMean(first.Accumulator.ToArray(), first.Count, first.SquaredDeviations.ToArray());
        foreach (var row in rows[200..]) resumed.Add(row);
        double average = rows.Average(r => (double)r[0]);
        double variance = rows.Sum(r => (r[0] - average) * (r[0] - average)) / (rows.Length - 1);
        Assert.Equal(variance, resumed.Variance()[0], 6);
    }

    [Fact]
    public void VarianceOfPairedDifferences()
    {
        var mean = new RunningMean(1);
        mean.AddDifference([3f], [1f]);
        mean.AddDifference([5f], [1f]);
        Assert.Throws<InvalidOperationException>(() => new RunningMean(1).Variance());
        Assert.Equal(2.0, mean.Variance()[0], 12); // differences 2 and 4
    }

    [Fact]
    public void RejectsAWrongLengthAndAnEmptyMean()
    {
        var mean = new RunningMean(2);
        Assert.Throws<InvalidOperationException>(() => mean.Mean());
        var error = Assert.Throws<ArgumentException>(() => mean.Add([1f, 2f, 3f]));
        Assert.Contains("dimension 2", error.Message);
    }
}
