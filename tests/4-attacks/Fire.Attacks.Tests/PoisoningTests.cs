using Fire.Attacks;
using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Training;
using static TorchSharp.torch;

namespace Fire.Attacks.Tests;

/// <summary>Which images are poisoned, how many, and what the poisoned sets hold.</summary>
public sealed class PoisoningTests
{
    private static readonly int[] Labels = Enumerable.Range(0, 1000).Select(i => i % 10).ToArray();

    [Fact]
    public void PoisonedCountIsRoundedRateTimesAllImages()
    {
        Assert.Equal(5000, PoisonedSets.PoisonCount(50000, 0.1));
        Assert.Equal(2, PoisonedSets.PoisonCount(25, 0.1)); // 2.5 rounds half to even, as Python's round
        Assert.Equal(100, PoisonedSets.SelectPoisoned(Labels, 0.1, 0, cleanLabel: false, seed: 0).Length);
        Assert.Equal(118, PoisonedSets.SelectPoisoned(Labels, 0.118, 3, cleanLabel: false, seed: 0).Length);
    }

    [Fact]
    public void SelectionIsSeededAscendingUniqueAndOutsideTheTarget()
    {
        var a = PoisonedSets.SelectPoisoned(Labels, 0.1, 2, cleanLabel: false, seed: 7);
        Assert.Equal(a, PoisonedSets.SelectPoisoned(Labels, 0.1, 2, cleanLabel: false, seed: 7));
        Assert.NotEqual(a, PoisonedSets.SelectPoisoned(Labels, 0.1, 2, cleanLabel: false, seed: 8));
        Assert.Equal(a.Order().ToArray(), a);
        Assert.Equal(a.Length, a.Distinct().Count());
        Assert.DoesNotContain(a, i => Labels[i] == 2);
        Assert.True(a.Select(i => Labels[i]).Distinct().Count() >= 8, "the draw spreads over the non-target classes");
    }

    [Fact]
    public void CleanLabelSelectionTakesOnlyTargetImagesAndClampsToThem()
    {
        var half = PoisonedSets.SelectPoisoned(Labels, 0.05, 4, cleanLabel: true, seed: 0);
        Assert.Equal(50, half.Length);
        Assert.All(half, i => Assert.Equal(4, Labels[i]));
        // 0.2 x 1000 = 200 requested, the target class has 100: all of them (BackdoorBench's clamp).
        var all = PoisonedSets.SelectPoisoned(Labels, 0.2, 4, cleanLabel: true, seed: 0);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i * 10 + 4), all);
    }

    [Fact]
    public void SelectionErrorsAreClear()
    {
        Assert.Contains("poisons no image", Assert.Throws<ArgumentException>(() => PoisonedSets.SelectPoisoned(Labels, 0.0001, 0, false, 0)).Message);
        Assert.Contains("in [0, 1]", Assert.Throws<ArgumentException>(() => PoisonedSets.SelectPoisoned(Labels, 1.5, 0, false, 0)).Message);
        Assert.Contains("no images of the target class 11", Assert.Throws<ArgumentException>(() => PoisonedSets.SelectPoisoned(Labels, 0.1, 11, true, 0)).Message);
    }

    [Fact]
    public void PoisonedTestSetHoldsTriggeredNonTargetImagesWithTrueLabels()
    {
        var shape = new ImageShape(1, 4, 4);
        var test = Fixtures.Dataset(40, 4, shape);
        var trigger = AttackCatalog.Create("badnets", new AttackOptions { Shape = shape, PatchSize = 1 }).Trigger;
        var poisoned = PoisonedSets.PoisonedTestSet(test, trigger, target: 1);
        var kept = PoisonedSets.NonTargetIndices(test, 1);
        Assert.Equal(30, poisoned.Count);
        Assert.Equal(kept.Select(i => test.Labels[i]), poisoned.Labels);
        Assert.DoesNotContain(1, poisoned.Labels);
        for (int n = 0; n < poisoned.Count; n++)
        {
            var expected = test.Image(kept[n]).ToArray();
            expected[15] = 255; // the 1x1 white patch in the bottom-right pixel
            Assert.Equal(expected, poisoned.Image(n).ToArray());
        }
    }

    [Fact]
    public void TrainingSetPoisonerChangesExactlyTheSelectedImagesAndRelabelsThem()
    {
        var shape = new ImageShape(1, 4, 4);
        var train = Fixtures.Dataset(200, 4, shape);
        var attack = (DataPoisoningAttack)AttackCatalog.Create("badnets", new AttackOptions { Shape = shape, PatchSize = 1, Target = 3, Rate = 0.1, Seed = 5 });
        var (data, summary) = attack.PoisonTrainingSet(train, new TrainRecipe(1));
        var selected = PoisonedSets.SelectPoisoned(train.Labels, 0.1, 3, false, Seeds.For(5, Seeds.Selection));
        Assert.Equal(new PoisoningSummary(200, 20, 20), summary);
        for (int i = 0; i < train.Count; i++)
        {
            bool poisoned = selected.Contains(i);
            Assert.Equal(poisoned ? 3 : train.Labels[i], data.Labels[i]);
            var expected = train.Image(i).ToArray();
            if (poisoned) expected[15] = 255;
            Assert.Equal(expected, data.Image(i).ToArray());
        }
        Assert.Equal(train.Pixels.Length, data.Pixels.Length);
    }

    [Fact]
    public void PoisoningIsDrawnFromTheRecipesTrainingSubset()
    {
        var shape = new ImageShape(1, 4, 4);
        var train = Fixtures.Dataset(200, 4, shape);
        var recipe = new TrainRecipe(1, MaxTrainSamples: 50, Seed: 3);
        var attack = (DataPoisoningAttack)AttackCatalog.Create("badnets", new AttackOptions { Shape = shape, PatchSize = 1 });
        var (data, summary) = attack.PoisonTrainingSet(train, recipe);
        Assert.Equal(new PoisoningSummary(50, 5, 5), summary);
        var subset = recipe.TrainingIndices(train).ToHashSet();
        var changed = Enumerable.Range(0, 200).Where(i => data.Labels[i] != train.Labels[i] || !data.Image(i).SequenceEqual(train.Image(i))).ToArray();
        Assert.Equal(5, changed.Length);
        Assert.All(changed, i => Assert.Contains(i, subset));
    }

    [Fact]
    public void CleanLabelPoisoningTouchesOnlyTargetClassImagesAndKeepsLabels()
    {
        var shape = new ImageShape(1, 4, 8);
        var train = Fixtures.Dataset(100, 4, shape);
        var attack = (DataPoisoningAttack)AttackCatalog.Create("sig", new AttackOptions { Shape = shape, Target = 2, Rate = 0.1 });
        Assert.True(attack.Spec.CleanLabel);
        var (data, summary) = attack.PoisonTrainingSet(train, new TrainRecipe(1));
        Assert.Equal(new PoisoningSummary(100, 10, 10), summary);
        Assert.Equal(train.Labels, data.Labels);
        var changed = Enumerable.Range(0, 100).Where(i => !data.Image(i).SequenceEqual(train.Image(i))).ToArray();
        Assert.Equal(10, changed.Length);
        Assert.All(changed, i => Assert.Equal(2, train.Labels[i]));
    }

    [Fact]
    public void AdaptiveBlendPoisonsAndCoversDisjointImages()
    {
        var shape = new ImageShape(1, 8, 8);
        var train = Fixtures.Dataset(1000, 4, shape);
        var attack = (DataPoisoningAttack)AttackCatalog.Create("adaptive-blend", new AttackOptions { Shape = shape, Rate = 0.01, CoverRate = 0.02 });
        var (data, summary) = attack.PoisonTrainingSet(train, new TrainRecipe(1));
        Assert.Equal(new PoisoningSummary(1000, 10, 10, 20), summary);
        var relabelled = Enumerable.Range(0, 1000).Where(i => data.Labels[i] != train.Labels[i]).ToArray();
        var changed = Enumerable.Range(0, 1000).Where(i => !data.Image(i).SequenceEqual(train.Image(i))).ToArray();
        Assert.Equal(10, relabelled.Length);
        Assert.All(relabelled, i => Assert.Equal(0, data.Labels[i]));
        Assert.Equal(30, changed.Length);
    }

    [Fact]
    public void WaNetBatchTransformWarpsPoisonedRowsAndJittersNoiseRows()
    {
        var shape = new ImageShape(1, 8, 8);
        var trigger = new WaNetTrigger(shape, 4, 0.5, 1, WaNetTrigger.SeededNoise(4, 0));
        var selection = new EpochSelection(positions: [10, 11, 12], eligible: [10, 12], poisonCount: 2, auxiliaryCount: 1, seed: 0, redraw: false);
        var transform = new WaNetPoisoning(trigger, selection, target: 0, seed: 1);
        var images = Fixtures.Ramp(4, shape);
        var labels = tensor(new long[] { 3, 3, 3, 3 });
        int[] indices = [12, 11, 13, 10];
        var (x, y) = transform.Apply(images, labels, indices, epoch: 0, training: true);
        Assert.Equal([0L, 3, 3, 0], y.data<long>().ToArray());
        var warped = Fixtures.Values(trigger.Apply(images));
        var input = Fixtures.Values(images);
        var output = Fixtures.Values(x);
        Assert.Equal(warped[..64], output[..64]);
        Assert.Equal(warped[192..], output[192..]);
        Assert.Equal(input[128..192], output[128..192]);
        Assert.NotEqual(input[64..128], output[64..128]);
        Assert.NotEqual(warped[64..128], output[64..128]);
        var (same, sameLabels) = transform.Apply(images, labels, indices, epoch: 0, training: false);
        Assert.Equal(input, Fixtures.Values(same));
        Assert.Equal([3L, 3, 3, 3], sameLabels.data<long>().ToArray());
    }

    [Fact]
    public void AFixedEpochSelectionIsDataPoisoningsSelectionInEveryEpoch()
    {
        int[] positions = Enumerable.Range(0, 1000).ToArray();
        int[] eligible = positions.Where(i => Labels[i] != 0).ToArray();
        var selection = new EpochSelection(positions, eligible, poisonCount: 100, auxiliaryCount: 200, seed: 5, redraw: false);
        var poisoned = PoisonedSets.SelectPoisoned(Labels, 0.1, 0, cleanLabel: false, Seeds.For(5, Seeds.Selection));
        var auxiliary = PoisonedSets.Draw(positions.Except(poisoned).ToArray(), 200, Seeds.For(5, Seeds.Auxiliary));
        foreach (int epoch in new[] { 0, 3 })
        {
            var (p, a) = selection.For(epoch);
            Assert.Equal(poisoned, p.Order());
            Assert.Equal(auxiliary, a.Order());
        }
    }

    [Fact]
    public void ARedrawnEpochSelectionIsExactDisjointSeededAndNewEachEpoch()
    {
        int[] positions = Enumerable.Range(0, 1000).ToArray();
        int[] eligible = positions.Where(i => Labels[i] != 0).ToArray();
        EpochSelection Make() => new(positions, eligible, poisonCount: 100, auxiliaryCount: 200, seed: 5, redraw: true);
        var selection = Make();
        var (p0, a0) = selection.For(0);
        var p0Copy = p0.Order().ToArray();
        var (p1, a1) = selection.For(1);
        Assert.Equal((100, 200, 100, 200), (p0.Count, a0.Count, p1.Count, a1.Count));
        Assert.All(p1, i => Assert.NotEqual(0, Labels[i]));
        Assert.Empty(p1.Intersect(a1));
        Assert.NotEqual(p0Copy, p1.Order());
        Assert.True(p0Copy.Intersect(p1).Count() < 50); // independent draws of 100 from 900 share about 11
        Assert.Equal(p1.Order(), Make().For(1).Poisoned.Order());
        Assert.Equal(p0Copy, selection.For(0).Poisoned.Order());
    }

    [Fact]
    public void AnEpochSelectionNeverAsksForMoreThanThereIs()
    {
        var selection = new EpochSelection(positions: [0, 1, 2, 3], eligible: [1, 2], poisonCount: 5, auxiliaryCount: 5, seed: 0, redraw: true);
        Assert.Equal((2, 2), (selection.PoisonCount, selection.AuxiliaryCount));
        var (p, a) = selection.For(7);
        Assert.Equal([1, 2], p.Order());
        Assert.Equal([0, 3], a.Order());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WaNetRelabelsItsPoisonedCountEveryEpochAndRedrawsUnlessAskedForAFixedSet(bool redraw)
    {
        using var scope = NewDisposeScope(); // keeps every tensor alive until the end (docs/platform.md)
        var shape = new ImageShape(1, 8, 8);
        var train = Fixtures.Dataset(1000, 4, shape);
        var attack = (WaNetAttack)AttackCatalog.Create("wanet", new AttackOptions { Shape = shape, RedrawEachEpoch = redraw ? null : false });
        var (transform, summary) = attack.Poisoning(train, new TrainRecipe(2));
        Assert.Equal(new PoisoningSummary(1000, 100, 100, 200), summary);
        var labels = tensor(train.Labels.Select(l => (long)l).ToArray());
        var images = zeros(1000, 1, 8, 8);
        int[] indices = Enumerable.Range(0, 1000).ToArray();
        int[] Relabelled(int epoch)
        {
            var y = transform.Apply(images, labels, indices, epoch, training: true).Labels.data<long>().ToArray();
            return indices.Where(i => y[i] != train.Labels[i]).ToArray();
        }
        var (first, second) = (Relabelled(0), Relabelled(1));
        Assert.Equal((100, 100), (first.Length, second.Length));
        Assert.Equal(redraw, !first.SequenceEqual(second));
    }
}
