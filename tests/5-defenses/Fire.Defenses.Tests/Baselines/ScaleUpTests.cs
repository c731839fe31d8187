using Fire.Defenses.Baselines;

namespace Fire.Defenses.Tests.Baselines;

public class ScaleUpTests
{
    private static readonly int[] Shape = { 1, 1, 2 };

    /// <summary>Class 1 while pixel 0 is at least <paramref name="edge"/>, class 0 otherwise: a scale keeps class 0 only
    /// while scale x pixel 0 stays below the edge.</summary>
    private static FunctionModel EdgeModel(float edge) => new(Shape, 2, x => x[0] >= edge ? new[] { 0f, 1f } : new[] { 1f, 0f });

    [Fact]
    public void ScoreIsTheShareOfScaledCopiesThatKeepThePrediction()
    {
        using var detector = new ScaleUp([2f, 3f, 4f, 5f]);
        var model = EdgeModel(0.5f);
        var images = FunctionModel.Images(Shape,
            [0.6f, 0f],   // class 1; every copy saturates at >= 0.5: SPC 1
            [0.2f, 0f],   // class 0; x2 = 0.4 stays, x3 = 0.6, x4, x5 flip: SPC 1/4
            [0.1f, 0f],   // class 0; x2, x3, x4 = 0.2..0.4 stay, x5 = 0.5 flips: SPC 3/4
            [0f, 0.9f]);  // class 0 and pixel 0 stays 0: SPC 1
        detector.Calibrate(model, images, new int[4], seed: 0);
        Assert.Equal(new[] { 1f, 0.25f, 0.75f, 1f }, detector.Score(images));
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
