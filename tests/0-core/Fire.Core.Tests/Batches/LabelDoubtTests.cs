namespace Fire.Core.Tests.Batches;

public class LabelDoubtTests
{
    [Fact]
    public void DoubtIsOneMinusTheLabelsSoftmaxProbability()
    {
        Assert.Equal(2.0 / 3, LabelDoubt.Of([1f, 1f, 1f], 2), 1e-12);
        // softmax([0, 1]) = (1 - s, s) with s = 1 / (1 + e^-1).
        double s = 1 / (1 + Math.Exp(-1));
        Assert.Equal(s, LabelDoubt.Of([0f, 1f], 0), 1e-12);
        Assert.Equal(1 - s, LabelDoubt.Of([0f, 1f], 1), 1e-12);
        Assert.Throws<ArgumentOutOfRangeException>(() => LabelDoubt.Of([0f, 1f], 2));
    }

    [Fact]
    public void CertaintyKeepsItsOrderWhereTheConfidenceSaturates()
    {
        // p(label 0) = 1 - 2e-12 and 1 - 2e-10: both 1 in float, distinct as -ln(doubt).
        float[] sure = [0f, -27.631021f, -27.631021f], lessSure = [0f, -23.02585f, -23.02585f];
        Assert.Equal(2e-12, LabelDoubt.Of(sure, 0), 1e-15);
        Assert.True(LabelDoubt.Certainty(LabelDoubt.Of(sure, 0)) > LabelDoubt.Certainty(LabelDoubt.Of(lessSure, 0)) + 4);
        Assert.Equal(0, LabelDoubt.Certainty(1), 12);
        Assert.True(double.IsFinite(LabelDoubt.Certainty(0)));
    }
}
