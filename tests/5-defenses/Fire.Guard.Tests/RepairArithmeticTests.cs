using Fire.Guard;

namespace Fire.Guard.Tests;

/// <summary>Repair modes on 2-D vectors: beta = (2, 0), clean mean (1, 1), so u = (1, 0) and s = h[0] - 1.</summary>
public class RepairArithmeticTests
{
    private static readonly TriggerDirection Direction = new("t", [2f, 0f], [1f, 1f]);
    // Clean scores 0..4: mean 2 (the projection level), std sqrt(2), 0.9-quantile 3.6 (the gate threshold).
    private static readonly CleanScoreStatistics Clean = CleanScoreStatistics.FromScores([0, 1, 2, 3, 4], 0.9f);

    private static float[] Repair(RepairMode mode, float alpha, params float[] h)
    {
        new LayerRepair(Direction, Clean, mode, alpha).Repair(h, out _);
        return h;
    }

    [Fact]
    public void DirectionScoresAlongTheUnitVectorFromTheCleanMean()
    {
        Assert.Equal(2f, Direction.Norm);
        Assert.Equal(new[] { 1f, 0f }, Direction.Unit);
        Assert.Equal(3f, Direction.Score([4f, 3f]));
        Assert.Equal(-1f, Direction.Score([0f, 9f]));
    }

    [Fact]
    public void CleanStatisticsAreMeanStdAndInterpolatedQuantile()
    {
        Assert.Equal(2f, Clean.Mean);
        Assert.Equal(MathF.Sqrt(2f), Clean.Std, 5);
        Assert.Equal(3.6f, Clean.Threshold, 5);
        Assert.Equal(4f, CleanScoreStatistics.FromScores([4, 0], 1f).Threshold);
        Assert.Null(Clean.PoisonedFloor);
    }

    /// <summary>Clean scores -1 and 1: mean 0, population standard deviation 1; constant clean scores give no standard score.</summary>
    [Fact]
    public void StandardScoresCountCleanStandardDeviationsAboveTheCleanMean()
    {
        var stats = CleanScoreStatistics.FromScores([-1, 1], 0.5f);
        Assert.Equal(3.0, stats.StandardScore(3));
        Assert.Equal(-0.5, stats.StandardScore(-0.5));
        Assert.Equal(2.0, CleanScoreStatistics.FromScores([1, 3, 5, 7], 0.5f).StandardScore(4 + 2 * Math.Sqrt(5))!.Value, 6);
        Assert.Null(CleanScoreStatistics.FromScores([2, 2], 0.5f).StandardScore(3));
    }

    [Fact]
    public void GateThresholdFallsToThePoisonedFloorOnlyWhenTheScoresOverlap()
    {
        // Poisoned 0.1-quantile: 4 + 0.1 x 10 = 5 lies above the clean 3.6, so the clean quantile stays the threshold.
        var apart = CleanScoreStatistics.FromScores([0, 1, 2, 3, 4], 0.9f, [14, 4]);
        Assert.Equal(3.6f, apart.Threshold, 5);
        Assert.Equal(5f, apart.PoisonedFloor!.Value, 5);
        // 1 + 0.1 x 10 = 2: a poisoned sample in the clean tail (score 3) now opens the gate; the projection level stays the clean mean.
        var overlapping = CleanScoreStatistics.FromScores([0, 1, 2, 3, 4], 0.9f, [1, 11]);
        Assert.Equal(2f, overlapping.Threshold, 5);
        Assert.Equal(2f, overlapping.Mean);
        var h = new[] { 4f, 0f };
        Assert.True(new LayerRepair(Direction, overlapping, RepairMode.GatedProjection, 1f).Repair(h, out float score));
        Assert.Equal(3f, score);
        Assert.Equal(new[] { 3f, 0f }, h);
        Assert.False(new LayerRepair(Direction, apart, RepairMode.GatedProjection, 1f).Repair([4f, 0f], out _));
    }

    [Fact]
    public void ScoreStatisticsRejectActivationsOfAnotherSize()
    {
        var clean = new FloatBatch(new float[4], [2, 2]);
        var error = Assert.Throws<ArgumentException>(() => CleanScoreStatistics.Measure(Direction, clean, 0.9f, new FloatBatch(new float[3], [1, 3])));
        Assert.Contains("poisoned activations have 3 values per sample", error.Message);
    }

    [Fact]
    public void TranslateSubtractsAlphaBetaFromEveryInput()
    {
        Assert.Equal(new[] { 3f, 3f }, Repair(RepairMode.Translate, 0.5f, 4f, 3f));
        Assert.Equal(new[] { -2f, 5f }, Repair(RepairMode.Translate, 1f, 0f, 5f));
    }

    [Fact]
    public void ProjectionRemovesOnlyTheExcessOverTheCleanLevel()
    {
        Assert.Equal(new[] { 3f, 3f }, Repair(RepairMode.Projection, 1f, 4f, 3f));    // s = 3, level 2: moves by 1
        Assert.Equal(new[] { 3.5f, 3f }, Repair(RepairMode.Projection, 0.5f, 4f, 3f)); // half of the excess
        Assert.Equal(new[] { 2.5f, 7f }, Repair(RepairMode.Projection, 1f, 2.5f, 7f)); // s = 1.5 < 2: untouched
    }

    [Fact]
    public void GatesRepairOnlyAboveTheCleanThreshold()
    {
        Assert.Equal(new[] { 4f, 3f }, Repair(RepairMode.GatedTranslate, 1f, 4f, 3f));   // s = 3 <= 3.6: untouched
        Assert.Equal(new[] { 4f, 0f }, Repair(RepairMode.GatedTranslate, 1f, 6f, 0f));   // s = 5: minus beta
        Assert.Equal(new[] { 4f, 3f }, Repair(RepairMode.GatedProjection, 1f, 4f, 3f));
        Assert.Equal(new[] { 3f, 0f }, Repair(RepairMode.GatedProjection, 1f, 6f, 0f));  // back to the level s = 2
    }

    /// <summary>The gated screen of <see cref="PlanPredictions"/>: the same verdict and score as a repair, the row left as it was.</summary>
    [Theory]
    [InlineData(RepairMode.Translate)]
    [InlineData(RepairMode.Projection)]
    [InlineData(RepairMode.GatedTranslate)]
    [InlineData(RepairMode.GatedProjection)]
    public void ChangesTellsWhetherARepairWouldMoveARowWithoutMovingIt(RepairMode mode)
    {
        var repair = new LayerRepair(Direction, Clean, mode, 1f);
        float[][] rows = [[4f, 3f], [6f, 0f], [2.5f, 7f], [0f, 5f], [3f, 9f]];
        foreach (var row in rows)
        {
            var kept = (float[])row.Clone();
            var moved = (float[])row.Clone();
            bool changes = repair.Changes(kept, out float screened);
            bool changed = repair.Repair(moved, out float score);
            Assert.Equal(changed, changes);
            Assert.Equal(score, screened);
            Assert.Equal(row, kept);
            Assert.Equal(changed, !moved.SequenceEqual(row));
        }
    }

    [Fact]
    public void ApplyCopiesAndReportsScoresAndChangedRows()
    {
        var batch = new FloatBatch([4f, 3f, 6f, 0f], [2, 2]);
        var scores = new float[2];
        var changed = new bool[2];
        var repaired = new LayerRepair(Direction, Clean, RepairMode.GatedTranslate, 1f).Apply(batch, scores, changed);
        Assert.Equal(new[] { 4f, 3f, 4f, 0f }, repaired.Data);
        Assert.Equal(new[] { 4f, 3f, 6f, 0f }, batch.Data);
        Assert.Equal(new[] { 3f, 5f }, scores);
        Assert.Equal(new[] { false, true }, changed);
    }

    [Fact]
    public void AZeroDirectionRepairsNothing()
    {
        var zero = new TriggerDirection("t", [0f, 0f], [1f, 1f]);
        var h = new[] { 5f, 5f };
        Assert.False(new LayerRepair(zero, Clean, RepairMode.Translate, 1f).Repair(h, out float score));
        Assert.Equal(0f, score);
        Assert.Equal(new[] { 5f, 5f }, h);
    }

    [Fact]
    public void MismatchedShapesAndBadAlphaAreClearErrors()
    {
        var direction = Assert.Throws<ArgumentException>(() => new TriggerDirection("conv2", [1f, 2f, 3f], [0f, 0f]));
        Assert.Contains("conv2", direction.Message);
        var repair = new LayerRepair(Direction, Clean, RepairMode.Translate, 1f);
        var size = Assert.Throws<ArgumentException>(() => repair.Apply(new FloatBatch(new float[3], [1, 3])));
        Assert.Contains("2 values, got 3", size.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LayerRepair(Direction, Clean, RepairMode.Translate, float.NaN));
        Assert.Throws<ArgumentException>(() => new TriggerDirection("t", [float.PositiveInfinity, 0f], [0f, 0f]));
    }

    [Fact]
    public void ModeNamesRoundTripAndUnknownNamesListTheKnownOnes()
    {
        foreach (var mode in RepairModes.All) Assert.Equal(mode, RepairModes.Parse(RepairModes.Name(mode)));
        var error = Assert.Throws<ArgumentException>(() => RepairModes.Parse("rotate"));
        Assert.Contains("gated-projection", error.Message);
    }
}
