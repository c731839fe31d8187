using Fire.Evaluation.Metrics;

namespace Fire.Evaluation.Tests.Metrics;

public class AurocTests
{
    [Fact]
    public void PerfectReversedAndTiedDetectors()
    {
        Assert.Equal(1.0, Auroc.Compute(new[] { 0.1f, 0.2f }, new[] { 0.3f, 0.9f }), 12);
        Assert.Equal(0.0, Auroc.Compute(new[] { 0.3f, 0.9f }, new[] { 0.1f, 0.2f }), 12);
        Assert.Equal(0.5, Auroc.Compute(new[] { 1f, 1f, 1f }, new[] { 1f, 1f }), 12);
    }

    [Fact]
    public void TiesCountOneHalf()
    {
        // Poisoned 0.35 beats 0.1, ties 0.35, loses to 0.4 and 0.8: 1.5; poisoned 0.9 beats all four: 4. (1.5 + 4) / 8.
        Assert.Equal(0.6875, Auroc.Compute(new[] { 0.1f, 0.4f, 0.35f, 0.8f }, new[] { 0.35f, 0.9f }), 12);
    }

    [Fact]
    public void EmptySetsAreAnError() =>
        Assert.Throws<ArgumentException>(() => Auroc.Compute(Array.Empty<float>(), new[] { 1f }));
}
