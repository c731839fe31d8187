using Fire.Defenses.LatentRepair;
using Fire.Models.Layers;

namespace Fire.Defenses.Tests.LatentRepair;

/// <summary>Direction estimates through the guard on a model whose "features" layer is its input.</summary>
public class EstimationTests
{
    // Four identical clean images: whatever the fit/hold-out split, the clean mean is (1, 1).
    private static readonly FloatBatch Clean = ToyLayeredModel.Batch([1f, 1f], [1f, 1f], [1f, 1f], [1f, 1f]);
    private static readonly int[] CleanLabels = [0, 0, 0, 0];

    private static FireGuard Guard(FireOptions? options = null)
    {
        var guard = new FireGuard(ToyLayeredModel.Identity(2), options);
        guard.FitClean(Clean, CleanLabels);
        return guard;
    }

    [Fact]
    public void UnpairedDirectionIsPoisonedMeanMinusCleanMean()
    {
        using var guard = Guard();
        guard.Observe(ToyLayeredModel.Batch([3f, 1f], [5f, 2f]));
        var direction = guard.Direction("features");
        Assert.Equal(new[] { 3f, 0.5f }, direction.Beta);
        Assert.Equal(new[] { 1f, 1f }, direction.CleanMean);
        Assert.Equal(DirectionSource.Unpaired, guard.Source);
    }

    [Fact]
    public void PairedDirectionIsTheMeanDifference()
    {
        using var guard = Guard();
        guard.ObservePairs(ToyLayeredModel.Batch([1f, 1f], [2f, 0f]), ToyLayeredModel.Batch([3f, 1f], [2f, 4f]));
        Assert.Equal(new[] { 1f, 2f }, guard.Direction("features").Beta);
        Assert.Equal(DirectionSource.Paired, guard.Source);
    }

    [Fact]
    public void StreamingOneAtATimeEqualsOneBatchAndIsUsableAfterOneSample()
    {
        var samples = new[] { new[] { 3f, 1f }, [5f, 2f], [0.5f, 4f], [2f, 2f], [7f, -1f] };
        using var streamed = Guard();
        streamed.Observe(ToyLayeredModel.Batch(samples[0]));
        Assert.Equal(new[] { 2f, 0f }, streamed.Direction("features").Beta);
        Assert.False(streamed.Plan.Selection is null);
        foreach (var sample in samples[1..]) streamed.Observe(ToyLayeredModel.Batch(sample));

        using var batched = Guard();
        batched.Observe(ToyLayeredModel.Batch(samples));
        Assert.Equal(batched.Direction("features").Beta, streamed.Direction("features").Beta);
        Assert.Equal(new[] { 2.5f, 0.6f }, batched.Direction("features").Beta.Select(v => MathF.Round(v, 5)).ToArray());
        Assert.Equal(5, streamed.ObservedCount);
    }

    [Fact]
    public void AugmentedCopiesJoinTheMeans()
    {
        // Flips of a 1x1x2 image swap its two pixels: every poisoned copy sums to 4 and every clean one to 2,
        // so beta sums to 2 whichever copies were flipped.
        using var guard = Guard(new FireOptions { Augmentation = new ImageAugmentation(Copies: 3, Flip: true) });
        guard.Observe(ToyLayeredModel.Batch([3f, 1f]));
        var beta = guard.Direction("features").Beta;
        Assert.Equal(2f, beta[0] + beta[1], 5);
    }

    [Fact]
    public void FitAsARuntimeDefenseStartsOverEachTime()
    {
        var model = ToyLayeredModel.Identity(2);
        using var guard = new FireGuard(model);
        var originals = ToyLayeredModel.Batch([1f, 1f], [2f, 0f]);
        var poisoned = ToyLayeredModel.Batch([3f, 1f], [2f, 4f]);
        guard.Fit(new DefenseContext(model, Clean, CleanLabels, poisoned, PairedClean: originals));
        Assert.Equal(DirectionSource.Paired, guard.Source);
        Assert.Equal(new[] { 1f, 2f }, guard.Direction("features").Beta);

        guard.Fit(new DefenseContext(model, Clean, CleanLabels, poisoned));
        Assert.Equal(DirectionSource.Unpaired, guard.Source);
        Assert.Equal(2, guard.ObservedCount);
        Assert.Equal(new[] { 1.5f, 1.5f }, guard.Direction("features").Beta);
        Assert.Throws<ArgumentException>(() => guard.Fit(new DefenseContext(ToyLayeredModel.Identity(2), Clean, CleanLabels, poisoned)));
    }
}
