using Fire.Evaluation.Metrics;
using Xunit;

namespace Fire.Evaluation.Tests.Metrics;

public class BackdoorMetricsTests
{
    [Fact]
    public void Compute_gives_each_figure_by_its_definition()
    {
        // Clean: true labels 0,1,2,2,1 (target 0); predictions 0,0,2,-1,1 -> CA 3/5; clean-to-target: of the four
        // non-target images one (index 1) is sent to 0 -> 1/4; one abstention of five.
        // Poisoned: true labels 1,2,2,1; predictions 0,0,2,-1 -> ASR 2/4, PA 1/4, abstention 1/4.
        var m = BackdoorMetrics.Compute([0, 0, 2, -1, 1], [0, 1, 2, 2, 1], [0, 0, 2, -1], [1, 2, 2, 1], target: 0);
        Assert.Equal(new BackdoorMetrics(0.6, 0.5, 0.25, 0.2, 0.25, 0.25), m);
    }

    [Fact]
    public void Clean_to_target_is_zero_when_every_clean_image_is_of_the_target()
    {
        var m = BackdoorMetrics.Compute([0, 1], [0, 0], [0], [1], target: 0);
        Assert.Equal(0, m.CleanToTarget);
        Assert.Equal(0.5, m.CleanAccuracy);
    }
}
