using Fire.Defenses.Baselines;

namespace Fire.Defenses.Tests.Baselines;

public class StripTests
{
    private static readonly int[] Shape = { 1, 2, 2 };

    [Fact]
    public void EntropyIsInBits()
    {
        // softmax(0, 0, ln 2, ln 4) = (1/8, 1/8, 1/4, 1/2): entropy 3/8 + 3/8 + 2/4 + 1/2 = 1.75 bits.
        Assert.Equal(1.75, Strip.Entropy(new[] { 0f, 0f, MathF.Log(2), MathF.Log(4) }), 6);
        Assert.Equal(2.0, Strip.Entropy(new[] { 3f, 3f, 3f, 3f }), 12);
        Assert.Equal(0.0, Strip.Entropy(new[] { 0f, 1000f }), 12);
    }

    [Fact]
    public void FixedLogitsGiveTheirEntropyForEveryInputAndCalibrateTheThreshold()
    {
        var model = new FunctionModel(Shape, 4, _ => new[] { 0f, 0f, MathF.Log(2), MathF.Log(4) });
        var strip = new Strip(overlays: 8);
        strip.Fit(FunctionModel.Context(model, FunctionModel.Constant(Shape, 0.1f, 0.2f, 0.3f)));
        Assert.All(strip.CleanEntropies, e => Assert.Equal(1.75, e, 6));
        Assert.Equal(1.75, strip.Threshold, 6);

        var prediction = strip.Predict(FunctionModel.Constant(Shape, 0.9f));
        Assert.Equal(new[] { 3 }, prediction.Labels); // not below the threshold: the model's own label
        Assert.Equal(-1.75f, prediction.Scores![0], 5);
    }

    [Theory]
    [InlineData(0.01, 1.0)]
    [InlineData(0.05, 5.0)]
    [InlineData(0.015, 1.5)]
    public void ThresholdIsTheCleanEntropyQuantileAtTheFalseRejectionRate(double frr, double expected)
    {
        var entropies = Enumerable.Range(0, 101).Select(i => (double)i).Reverse().ToArray();
        Assert.Equal(expected, Strip.CalibrateThreshold(entropies, frr), 9);
    }

    [Fact]
    public void DominatingTriggerIsFlaggedAndAbstainedOn()
    {
        // Pixel 0 above 0.45 forces class 0 with certainty (the "trigger"); otherwise the logits depend on the image.
        var model = new FunctionModel(Shape, 3, x => x[0] > 0.45f ? new[] { 50f, 0f, 0f } : new[] { 0f, 4 * x[1], 4 * x[2] });
        var random = new Random(1);
        var clean = FunctionModel.Images(Shape, Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, 4).Select(_ => (float)random.NextDouble() * 0.4f).ToArray()).ToArray());
        var strip = new Strip(overlays: 16, falseRejectionRate: 0.05);
        strip.Fit(FunctionModel.Context(model, clean, seed: 7));

        var triggered = clean.Clone();
        for (int n = 0; n < triggered.Count; n++) triggered.Sample(n)[0] = 1f;
        var onTriggered = strip.Predict(triggered);
        var onClean = strip.Predict(clean);

        Assert.All(onTriggered.Labels, l => Assert.Equal(DefensePrediction.Abstain, l));
        Assert.InRange(onClean.Labels.Count(l => l == DefensePrediction.Abstain), 1, 4); // about 5% of 40
        Assert.True(onTriggered.Scores!.Max() < 0 && onTriggered.Scores!.Min() > onClean.Scores!.Max());
        Assert.Equal(onClean.Scores, strip.Predict(clean).Scores); // deterministic given the seed
    }

    [Fact]
    public void NeedsTwoCleanImages()
    {
        var model = new FunctionModel(Shape, 2, _ => new float[2]);
        var error = Assert.Throws<ArgumentException>(() => new Strip().Fit(FunctionModel.Context(model, FunctionModel.Constant(Shape, 0.5f))));
        Assert.Contains("at least 2 clean", error.Message);
    }
}
