using Fire.Guard;

namespace Fire.Guard.Tests;

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

    /// <summary>
    /// Unpaired directions average only the flagged samples the model predicts as the estimated target: a false flag of
    /// another class does not shorten them. When later flags change the target, the means are rebuilt from the kept samples.
    /// </summary>
    [Fact]
    public void UnpairedDirectionAveragesTheSamplesPredictedAsTheTarget()
    {
        using var guard = Guard();
        guard.Observe(ToyLayeredModel.Batch([3f, 1f], [5f, 2f], [1f, 4f]));
        Assert.Equal(0, guard.Plan.EstimatedTarget);
        Assert.Equal(new[] { 3f, 0.5f }, guard.Direction("features").Beta);

        guard.Observe(ToyLayeredModel.Batch([0f, 6f], [1f, 7f], [2f, 9f]));
        Assert.Equal(1, guard.Plan.EstimatedTarget);
        Assert.Equal(new[] { 0f, 5.5f }, guard.Direction("features").Beta);
    }

    /// <summary>A guard file from before the captured-only means (no means target) rebuilds them from its samples on the next observation.</summary>
    [Fact]
    public void AGuardFileWithoutItsMeansTargetRebuildsTheMeansFromItsSamples()
    {
        using var guard = Guard();
        guard.Observe(ToyLayeredModel.Batch([3f, 1f], [5f, 2f], [1f, 4f]));
        string path = Path.Combine(Path.GetTempPath(), $"fire-{Guid.NewGuid():N}.json");
        try
        {
            guard.Save(path);
            var (header, blobs) = GuardContainer.Read(File.ReadAllBytes(path), path);
            var json = System.Text.Json.Nodes.JsonNode.Parse(header)!.AsObject();
            Assert.Equal(0, (int)json["ObservedMeansTarget"]!);
            json.Remove("ObservedMeansTarget");
            using (var stream = File.Create(path)) GuardContainer.Write(stream, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), blobs);
            using var loaded = FireGuard.Load(path, ToyLayeredModel.Identity(2));
            loaded.Observe(ToyLayeredModel.Batch([7f, 0f]));
            guard.Observe(ToyLayeredModel.Batch([7f, 0f]));
            Assert.Equal(new[] { 4f, 0f }, loaded.Direction("features").Beta);
            Assert.Equal(guard.Direction("features").Beta, loaded.Direction("features").Beta);
        }
        finally
        {
            File.Delete(path);
        }
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
    public void SparseDirectionKeepsOnlyCoordinatesAboveTheUniversalThreshold()
    {
        // D = 3: threshold sqrt(2 ln 3) = 1.482 standard errors. Observed (6, 2, 1) and (4, 2, 3): mean (5, 2, 2), variance
        // (2, 0, 2); clean means (2, 0.5, 0) with variance (2, 0, 0), 2 samples each. beta = (3, 1.5, 2), standard errors
        // sqrt(2/2 + 2/2) = 1.414, 0 and sqrt(2/2) = 1: 3 > 2.096 stays, 1.5 > 0 stays, 2 > 1.482 stays. With (6, 2, 9) and
        // (4, 2, -5) the mean is the same but the last variance is 98: se 7, and 2 < 10.4 is dropped.
        var observed = Mean([6f, 2f, 1f], [4f, 2f, 3f]);
        var clean = Mean([1f, 0.5f, 0f], [3f, 0.5f, 0f]);
        float[] Beta(RunningMean o) => o.Mean().Zip(clean.Mean(), (p, c) => p - c).ToArray();
        Assert.Equal(new[] { 3f, 1.5f, 2f }, DirectionDensities.Apply(DirectionDensity.Sparse, Beta(observed), observed, clean));
        Assert.Equal(1.4823, DirectionDensities.Threshold(3), 4);

        var spreadOut = Mean([6f, 2f, 9f], [4f, 2f, -5f]);
        Assert.Equal(new[] { 3f, 1.5f, 0f }, DirectionDensities.Apply(DirectionDensity.Sparse, Beta(spreadOut), spreadOut, clean));
        // Paired (no clean term) and dense or single-sample estimates keep beta as it is.
        Assert.Equal(new[] { 5f, 2f, 2f }, DirectionDensities.Apply(DirectionDensity.Sparse, observed.Mean(), observed, null));
        Assert.Equal(Beta(spreadOut), DirectionDensities.Apply(DirectionDensity.Dense, Beta(spreadOut), spreadOut, clean));
        var one = Mean([6f, 2f, 1f]);
        Assert.Equal(Beta(one), DirectionDensities.Apply(DirectionDensity.Sparse, Beta(one), one, clean));
    }

    [Fact]
    public void AFixedSparseRepairEstimatesItsDirectionSparselyAsSamplesArrive()
    {
        var options = new FireOptions { FixedPlan = [new RepairSetting("features", RepairMode.Translate, 1f, DirectionDensity.Sparse)] };
        using var guard = new FireGuard(ToyLayeredModel.Identity(2), options);
        guard.FitClean(Clean, CleanLabels);
        guard.Observe(ToyLayeredModel.Batch([6f, 1.4f]));
        Assert.Equal(new[] { 5f, 0.4f }, guard.Plan.Repairs[0].Direction.Beta.Select(v => MathF.Round(v, 5)));
        // Clean variance 0; observed (6, 1.4), (4, 0.8): beta (4, 0.1), standard errors (1, 0.3); threshold sqrt(2 ln 2) = 1.18.
        guard.Observe(ToyLayeredModel.Batch([4f, 0.8f]));
        var repair = guard.Plan.Repairs[0];
        Assert.Equal(DirectionDensity.Sparse, repair.Density);
        Assert.Equal(new[] { 4f, 0f }, repair.Direction.Beta.Select(v => MathF.Round(v, 5)));
        Assert.Equal(new[] { 4f, 0f }, guard.Direction("features", DirectionDensity.Sparse).Beta.Select(v => MathF.Round(v, 5)));
        Assert.Equal(new[] { 4f, 0.1f }, guard.Direction("features").Beta.Select(v => MathF.Round(v, 5)));
        Assert.EndsWith("sparse direction", repair.ToString());
    }

    [Fact]
    public void StreamedUpdatesGiveTheStatisticsOfOneUpdateWithEverySampleAlsoWhenTheTargetMoves()
    {
        // Predicted 0, 1, 1, 0, 0, 0: the estimated target goes 0, 0 (tie), 1, 0 (tie), 0, 0, so the kept activations of the
        // captured samples are extended, rebuilt for class 1, rebuilt for class 0 and extended again.
        float[][] samples = [[3f, 1f], [0f, 2f], [0f, 3f], [5f, 1f], [4f, 1f], [6f, 1f]];
        var options = new FireOptions { FixedPlan = [new RepairSetting("features", RepairMode.GatedProjection, 1f)] };
        using var streamed = Guard(options);
        var targets = new List<int>();
        foreach (var sample in samples)
        {
            streamed.Observe(ToyLayeredModel.Batch(sample));
            targets.Add(streamed.Plan.EstimatedTarget);
        }
        Assert.Equal([0, 0, 1, 0, 0, 0], targets);
        using var once = Guard(options);
        once.Observe(ToyLayeredModel.Batch(samples));
        Assert.Equal(once.Plan.Repairs[0].CleanScores, streamed.Plan.Repairs[0].CleanScores);
        Assert.Equal(once.Plan.Repairs[0].Direction.Beta, streamed.Plan.Repairs[0].Direction.Beta);
    }

    [Fact]
    public void TheGateFloorFollowsEveryCapturedSample()
    {
        var options = new FireOptions { FixedPlan = [new RepairSetting("features", RepairMode.GatedProjection, 1f)] };
        using var guard = Guard(options);
        // beta (3, 0), unit (1, 0): poisoned scores 2 and 4, floor = their 0.01 quantile 2 + 0.01 x 2; every clean score is 0.
        guard.Observe(ToyLayeredModel.Batch([3f, 1f], [5f, 1f]));
        var scores = guard.Plan.Repairs[0].CleanScores;
        Assert.Equal(2.02f, scores.PoisonedFloor!.Value, 5);
        Assert.Equal(0f, scores.Threshold);
        // A third, weaker sample (score 0.5 along the new beta (2.1667, 0)): floor 0.5 + 0.02 x 1.5.
        guard.Observe(ToyLayeredModel.Batch([1.5f, 1f]));
        Assert.Equal(0.53f, guard.Plan.Repairs[0].CleanScores.PoisonedFloor!.Value, 5);

        // A sample the backdoor did not capture (predicted 1, not the target 0) joins neither the direction, beta (3, 0), nor
        // the floor: captured scores 2, 4 and 3 give 2 + 0.02 x 1; with its score -1 the floor would drop below -0.9.
        using var partly = Guard(options);
        partly.Observe(ToyLayeredModel.Batch([3f, 1f], [5f, 1f], [0f, 2f], [4f, 1f]));
        Assert.Equal(new[] { 3f, 0f }, partly.Direction("features").Beta);
        Assert.Equal(2.02f, partly.Plan.Repairs[0].CleanScores.PoisonedFloor!.Value, 5);
    }

    private static RunningMean Mean(params float[][] rows)
    {
        var mean = new RunningMean(rows[0].Length);
        foreach (var row in rows) mean.Add(row);
        return mean;
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
        // (0.5, 4) is predicted as class 1, not the target 0, and stays out: mean (4.25, 1) of the other four minus (1, 1).
        Assert.Equal(new[] { 3.25f, 0f }, batched.Direction("features").Beta.Select(v => MathF.Round(v, 5)).ToArray());
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
        // Unpaired: one sample each for classes 0 and 1, so the target is 0 (ties go to the smaller class) and beta is (3, 1) - (1, 1).
        Assert.Equal(new[] { 2f, 0f }, guard.Direction("features").Beta);
        Assert.Throws<ArgumentException>(() => guard.Fit(new DefenseContext(ToyLayeredModel.Identity(2), Clean, CleanLabels, poisoned)));
    }
}
