using Fire.Defenses.Baselines;

namespace Fire.Defenses.Tests.Baselines;

public class LatentOutlierTests
{
    private static FloatBatch Images(params float[] values) => new(values, [values.Length / 2, 1, 1, 2]);

    [Fact]
    public void ScoresDistanceToThePredictedClassInPooledWithinClassUnits()
    {
        // Class 0: (3, 1), (5, 1), mean (4, 1); class 1: (1, 3), (1, 5), mean (1, 4). Pooled within-class variance
        // per feature: (1 + 1) / (4 images - 2 classes) = 1 for both features.
        using var detector = new LatentOutlier();
        var model = new TwoPixelIdentityModel();
        var calibration = detector.Calibrate(model, Images(3, 1, 5, 1, 1, 3, 1, 5), [0, 0, 1, 1], seed: 0);
        // Leave-one-out: (3, 1) against the other class-0 image (5, 1): (2^2 + 0) / 2 features = 2.
        Assert.Equal([2f, 2f, 2f, 2f], calibration);
        Assert.Equal("features", detector.Layer);
        Assert.Equal(1.0, detector.LayerAgreement["features"]);
        // (6, 1) is predicted 0: ((6 - 4)^2 + 0) / 2 = 2; (4, 1) sits on class 0's mean; (2, 9) is predicted 1: (1 + 25) / 2 = 13.
        Assert.Equal([2f, 0f, 13f], detector.Score(Images(6, 1, 4, 1, 2, 9)));
    }

    [Fact]
    public void ClassesTheReferenceLacksAreMostSuspiciousAndLoneImagesScoreZero()
    {
        using var detector = new LatentOutlier();
        var calibration = detector.Calibrate(new TwoPixelIdentityModel(), Images(3, 1, 5, 1, 1, 3), [0, 0, 1], seed: 0);
        Assert.Equal(0f, calibration[2]); // alone in class 1: nothing to leave it out against
        using var onlyZero = new LatentOutlier();
        onlyZero.Calibrate(new TwoPixelIdentityModel(), Images(3, 1, 5, 1), [0, 0], seed: 0);
        Assert.Equal(float.MaxValue, onlyZero.Score(Images(1, 7))[0]);
    }

    [Fact]
    public void RefusesToScoreBeforeCalibration()
    {
        using var detector = new LatentOutlier();
        var error = Assert.Throws<InvalidOperationException>(() => detector.Score(Images(1, 2)));
        Assert.Contains("Calibrate", error.Message);
    }
}
