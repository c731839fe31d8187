namespace Fire.Attacks.Tests;

/// <summary>The clean-to-target share, and how the figures travel through a checkpoint's metrics.</summary>
public sealed class AttackMetricsTests
{
    [Fact]
    public void CleanToTargetCountsOnlyImagesOfOtherClasses()
    {
        // Of the four images not of class 0, two are predicted as 0; the class-0 image predicted as 0 does not count.
        Assert.Equal(0.5, AttackMetrics.ShareSentTo([0, 0, 1, 2, 0], [0, 1, 1, 2, 2], target: 0));
        Assert.Equal(0, AttackMetrics.ShareSentTo([0, 0], [0, 0], target: 0));
        Assert.Throws<ArgumentException>(() => AttackMetrics.ShareSentTo([0], [0, 1], target: 0));
    }

    [Fact]
    public void FiguresRoundTripAndOlderCheckpointsReadWithoutTheShare()
    {
        var full = new AttackMetrics(0.9, 0.95, 0.04, 0.03);
        Assert.Equal(full, AttackMetrics.From(full.ToDictionary()));
        var older = new Dictionary<string, double> { ["clean_accuracy"] = 0.9, ["attack_success_rate"] = 0.95, ["poisoned_accuracy"] = 0.04 };
        Assert.Equal(new AttackMetrics(0.9, 0.95, 0.04), AttackMetrics.From(older));
        Assert.Null(AttackMetrics.From(new Dictionary<string, double> { ["clean_accuracy"] = 0.9 }));
    }
}
