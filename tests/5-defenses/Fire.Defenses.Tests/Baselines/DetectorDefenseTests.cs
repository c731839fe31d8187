using Fire.Defenses.Baselines;

namespace Fire.Defenses.Tests.Baselines;

public class DetectorDefenseTests
{
    private static readonly int[] Shape = { 1, 1, 1 };

    /// <summary>A detector whose score is the single pixel itself; the model predicts class 1 above 0.5.</summary>
    private sealed class PixelDetector : IInputDetector
    {
        public string Name => "pixel";
        public bool Disposed { get; private set; }
        public float[] Calibrate(ILayeredModel model, FloatBatch cleanReference, int[] cleanLabels, int seed) => Score(cleanReference);
        public float[] Score(FloatBatch images) => images.Data.ToArray();
        public void Dispose() => Disposed = true;
    }

    private static FunctionModel Model() => new(Shape, 2, x => x[0] > 0.5f ? new[] { 0f, 1f } : new[] { 1f, 0f });

    private static FloatBatch Pixels(params float[] values) => FunctionModel.Images(Shape, values.Select(v => new[] { v }).ToArray());

    [Fact]
    public void AbstainsExactlyOnInputsAboveTheThreshold()
    {
        // 100 clean scores 0.00, 0.01, ..., 0.99: the 95% quantile (linear interpolation) is 0.9405.
        var clean = Pixels(Enumerable.Range(0, 100).Select(i => i / 100f).ToArray());
        using var defense = new DetectorDefense(new PixelDetector(), 0.05);
        defense.Fit(FunctionModel.Context(Model(), clean));
        Assert.Equal(0.9405, defense.Threshold.Value, 1e-6);
        var inputs = Pixels(0.2f, 0.7f, 0.94f, 0.941f, 1f);
        var prediction = defense.Predict(inputs);
        Assert.Equal(new[] { 0, 1, 1, -1, -1 }, prediction.Labels);
        Assert.Equal(inputs.Data, prediction.Scores);
    }

    [Fact]
    public void AFivePercentThresholdFlagsAboutFivePercentOfTheCleanReference()
    {
        var random = new Random(3);
        var clean = Pixels(Enumerable.Range(0, 1000).Select(_ => (float)random.NextDouble()).ToArray());
        using var defense = new DetectorDefense(new PixelDetector());
        defense.Fit(FunctionModel.Context(Model(), clean));
        int flagged = defense.Predict(clean).Labels.Count(l => l == DefensePrediction.Abstain);
        Assert.InRange(flagged, 49, 51);
    }

    [Fact]
    public void TheDetectorIsDisposedWithTheDefense()
    {
        var detector = new PixelDetector();
        new DetectorDefense(detector).Dispose();
        Assert.True(detector.Disposed);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DetectorDefense(new PixelDetector(), 1.0));
    }
}
