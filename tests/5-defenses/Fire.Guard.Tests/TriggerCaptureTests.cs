using Fire.Guard;

namespace Fire.Guard.Tests;

/// <summary>
/// The capture test behind "the flags share a pattern the model does not follow": its binomial tail, its per-layer counts and
/// verdict, and the choice it ends on a toy model whose logits ignore the pattern (an inert trigger) but not on one whose logits
/// follow it (a backdoor).
/// </summary>
public class TriggerCaptureTests
{
    [Fact]
    public void TheLowerTailAtOneHalfIsTheBinomialSum()
    {
        Assert.Equal(1.0 / 512, TriggerCaptureTest.LowerTailAtHalf(0, 9), 12);      // all 9 carriers uncaptured
        Assert.Equal(5.0 / 16, TriggerCaptureTest.LowerTailAtHalf(1, 4), 12);       // (1 + 4) / 2^4
        Assert.Equal(176.0 / 1024, TriggerCaptureTest.LowerTailAtHalf(3, 10), 12);  // (1 + 10 + 45 + 120) / 2^10
        Assert.Equal(0.0011107168866146822, TriggerCaptureTest.LowerTailAtHalf(10, 40), 12);
        Assert.Equal(1.0, TriggerCaptureTest.LowerTailAtHalf(0, 0));
        Assert.Equal(1.0, TriggerCaptureTest.LowerTailAtHalf(7, 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => TriggerCaptureTest.LowerTailAtHalf(-1, 3));
    }

    /// <summary>Carriers score strictly above the threshold; captured ones are counted apart from the rest.</summary>
    [Fact]
    public void ALayerCountsTheCarriersStrictlyAboveTheThreshold()
    {
        double[] scores = [2, 3, 0.5, 5, 1.0, 4, -2];
        var reading = TriggerCaptureTest.Reading("conv1", threshold: 1.0, scores, captured: new HashSet<int> { 0, 1, 2 });
        // Carriers: rows 0, 1 (captured), 3 and 5 (not); row 4 sits on the threshold, row 2 (captured) and 6 below it.
        Assert.Equal(new LayerCapture("conv1", 2, 2, 11.0 / 16), reading);
    }

    [Fact]
    public void ThePatternIsInertWhenSomeLayerReachesTheBonferroniLevel()
    {
        TriggerCaptureTest Test(double level, params double[] p) =>
            new(10, 90, level, p.Select((v, i) => new LayerCapture($"l{i}", 1, 9, v)).ToList());
        Assert.True(Test(0.01, 0.005, 0.9).InertPattern);     // 0.005 <= 0.01 / 2
        Assert.False(Test(0.01, 0.0051, 0.9).InertPattern);
        Assert.False(Test(0, 0.0001, 0.0001).InertPattern);   // level 0: measured, not acted on
        Assert.False(new TriggerCaptureTest(0, 100, 0.01, null).InertPattern);
        Assert.Equal("l0", Test(0.01, 0.005, 0.9).Strongest!.Layer);
    }

    /// <summary>
    /// Four classes of flags (1-4, ten each) carry +8 on axis 5, which the inert model's logits ignore: the model predicts each
    /// flag's own class, the estimated target is 1 (the smallest of the tied classes) with 10 captured flags, and all 30 others
    /// carry the pattern too: p = P(X &lt;= 10 | 40, 1/2) = 0.0011 at the one candidate layer, so no repair. The backdoored model's
    /// logits add axis 5 to class 0: every flag is captured, nothing is left uncaptured, and the repair is made.
    /// </summary>
    [Fact]
    public void FlagsSharingAPatternTheModelIgnoresAreNotRepairedButABackdoorsAre()
    {
        var (clean, labels) = SelectionTests.Samples(100, trigger: 0f, classes: 5, axes: 6, withTarget: true);
        var flags = SelectionTests.Samples(40, trigger: 8f, classes: 5, axes: 6, triggerAxis: _ => 5, phase: 0.9f).Images;

        var inert = new ToyLayeredModel(6, 5, ("first", x => (float[])x.Clone()), ("logits", x => x[..5]));
        var selection = Select(inert, clean, labels, flags);
        var capture = selection.Capture!;
        Assert.Equal((1, 10, 30), (selection.EstimatedTarget, capture.CapturedCount, capture.UncapturedCount));
        Assert.Equal(new LayerCapture("first", 10, 30, TriggerCaptureTest.LowerTailAtHalf(10, 40)), capture.Layers!.Single());
        Assert.True(capture.InertPattern);
        Assert.Null(selection.Chosen);
        Assert.Empty(selection.Candidates);
        Assert.Contains("no backdoor to repair", selection.ToString());

        var measuredOnly = Select(inert, clean, labels, flags, new FireOptions { CaptureLevel = 0 });
        Assert.False(measuredOnly.Capture!.InertPattern);
        Assert.NotNull(measuredOnly.Chosen); // without the rule, the inert pattern is "repaired"

        var backdoored = new ToyLayeredModel(6, 5, ("first", x => (float[])x.Clone()), ("logits", x => [x[0] + x[5], x[1], x[2], x[3], x[4]]));
        var repaired = Select(backdoored, clean, labels, flags);
        Assert.Equal(new LayerCapture("first", 40, 0, 1.0), repaired.Capture!.Layers!.Single());
        Assert.False(repaired.Capture.InertPattern);
        Assert.NotNull(repaired.Chosen);
    }

    /// <summary>Pairs are built by the defender, not flagged: the test does not run on them.</summary>
    [Fact]
    public void PairedSamplesAreNotTested()
    {
        var (clean, labels) = SelectionTests.Samples(100, trigger: 0f, classes: 5, axes: 6, withTarget: true);
        var originals = SelectionTests.Samples(40, trigger: 0f, classes: 5, axes: 6, phase: 0.9f).Images;
        var flags = SelectionTests.Samples(40, trigger: 8f, classes: 5, axes: 6, triggerAxis: _ => 5, phase: 0.9f).Images;
        var inert = new ToyLayeredModel(6, 5, ("first", x => (float[])x.Clone()), ("logits", x => x[..5]));
        using var guard = new FireGuard(inert);
        guard.FitClean(clean, labels);
        guard.ObservePairs(originals, flags);
        Assert.Null(guard.Plan.Selection!.Capture);
    }

    private static SelectionReport Select(ILayeredModel model, FloatBatch clean, int[] labels, FloatBatch flags, FireOptions? options = null)
    {
        using var guard = new FireGuard(model, options);
        guard.FitClean(clean, labels);
        guard.Observe(flags);
        return guard.Plan.Selection!;
    }
}
