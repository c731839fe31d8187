namespace Fire.Core.Tests.Detection;

public class DetectorThresholdTests
{
    [Fact]
    public void A_threshold_calibrated_at_five_percent_flags_five_of_a_hundred_clean_scores()
    {
        var clean = Enumerable.Range(0, 100).Select(i => (float)i).ToArray();
        var threshold = DetectorThreshold.Calibrate(clean, 0.05);
        Assert.Equal(94.05, threshold.Value, 10); // type-7 quantile at 0.95 of 0..99
        Assert.Equal(5, threshold.Flags(clean).Count(f => f));
    }

    [Fact]
    public void A_zero_rate_flags_nothing_above_the_largest_clean_score()
    {
        var threshold = DetectorThreshold.Calibrate([1f, 2f, 3f], 0);
        Assert.False(threshold.Flags(3f));
        Assert.True(threshold.Flags(3.0001f));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Rates_outside_zero_to_one_are_refused(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DetectorThreshold.Calibrate([1f], rate));

    [Fact]
    public void Non_finite_clean_scores_and_empty_references_are_refused()
    {
        Assert.Throws<ArgumentException>(() => DetectorThreshold.Calibrate([1f, float.NaN], 0.05));
        Assert.Throws<ArgumentException>(() => DetectorThreshold.Calibrate([], 0.05));
    }
}
