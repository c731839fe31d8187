using Fire.Defenses.Baselines;

namespace Fire.Defenses.Tests.Baselines;

public class ScaleUpTests
{
    private static readonly int[] Shape = { 1, 1, 2 };

    /// <summary>Class 1 while pixel 0 is at least <paramref name="edge"/>, class 0 otherwise: a scale keeps class 0 only
    /// while scale x pixel 0 stays below the edge.</summary>
    private static FunctionModel EdgeModel(float edge) => new(Shape, 2, x => x[0] >= edge ? new[] { 0f, 1f } : new[] { 1f, 0f });

    [Fact]
    public void ScoreIsTheShareOfScaledCopiesThatKeepThePredictionWithTheCopiesCertaintyBreakingTies()
    {
        using var detector = new ScaleUp([2f, 3f, 4f, 5f]);
        var model = EdgeModel(0.5f);
        var images = FunctionModel.Images(Shape,
            [0.6f, 0f],   // class 1; every copy saturates at >= 0.5: 4 of 4 keep it
            [0.2f, 0f],   // class 0; x2 = 0.4 stays, x3 = 0.6, x4, x5 flip: 1 of 4
            [0.1f, 0f],   // class 0; x2, x3, x4 = 0.2..0.4 stay, x5 = 0.5 flips: 3 of 4
            [0f, 0.9f]);  // class 0 and pixel 0 stays 0: 4 of 4
        detector.Calibrate(model, images, new int[4], seed: 0);
        // Logits (1, 0) or (0, 1): a copy that keeps the label doubts it by q = 1 / (1 + e), one that flips by 1 - q.
        double q = 1 / (1 + Math.E);
        float Expected(int kept) =>
            (float)((kept + Tie(-Math.Log((kept * q + (4 - kept) * (1 - q)) / 4))) / 5);
        var expected = new[] { Expected(4), Expected(1), Expected(3), Expected(4) };
        Assert.Equal(expected, detector.Score(images), new FloatComparer(1e-6f));
        // SPC orders first: every score lies in [c / 5, (c + 1) / 5).
        Assert.True(expected[1] < 2f / 5 && expected[2] is >= 3f / 5 and < 4f / 5 && expected[0] >= 4f / 5);
    }

    private static double Tie(double certainty) => certainty / (1 + certainty);

    [Fact]
    public void InputsThatAllKeepTheirPredictionAreOrderedByCertaintySoAThresholdFlagsSome()
    {
        // Class 0 with margin 1 + 10 x pixel 1; pixel 0 stays 0, so every copy keeps class 0 (SPC = 1 for all four), and
        // scaling pixel 1 up makes the copies surer the larger it starts.
        var model = new FunctionModel(Shape, 2, x => new[] { 1f + 10f * x[1], 0f });
        using var detector = new ScaleUp();
        var clean = detector.Calibrate(model, FunctionModel.Images(Shape, [0f, 0.01f], [0f, 0.02f], [0f, 0.03f], [0f, 0.04f]), new int[4], seed: 0);
        Assert.True(clean[0] < clean[1] && clean[1] < clean[2] && clean[2] < clean[3]);
        // With SPC alone all four tie at 1 and a threshold at a 50% false-positive rate would flag none.
        var threshold = DetectorThreshold.Calibrate(clean, 0.5);
        Assert.Equal(new[] { false, false, true, true }, threshold.Flags(clean));
    }

    [Fact]
    public void PixelsAreClippedToOneAfterScaling()
    {
        var scaled = ScaleUp.Scaled(FunctionModel.Images(Shape, [0.3f, 0.05f]), 3f);
        Assert.Equal(new[] { 0.90000004f, 0.15f }, scaled.Data, new FloatComparer(1e-6f));
        Assert.Equal(new[] { 1f, 0.25f }, ScaleUp.Scaled(FunctionModel.Images(Shape, [0.3f, 0.05f]), 5f).Data, new FloatComparer(1e-6f));
    }

    [Fact]
    public void DefaultsAreTheReferenceImplementationsScales()
    {
        Assert.Equal(new[] { 3f, 5f, 7f, 9f, 11f }, new ScaleUp().Scales);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScaleUp([2f, 0f]));
        Assert.Throws<ArgumentException>(() => new ScaleUp([]));
    }

    [Fact]
    public void ScoreBeforeCalibrateIsAnError()
    {
        using var detector = new ScaleUp();
        Assert.Contains("Fit", Assert.Throws<InvalidOperationException>(() => detector.Score(FunctionModel.Images(Shape, [0f, 0f]))).Message);
    }

    [Fact]
    public void TheCatalogsNameIt()
    {
        using var detector = InputDetectors.Create("scale-up");
        Assert.IsType<ScaleUp>(detector);
        using var baseline = RuntimeBaselines.Create("scale-up");
        Assert.Equal("scale-up", baseline.Name);
    }

    private sealed class FloatComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float value) => 0;
    }
}
