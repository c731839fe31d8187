using Fire.Guard;

namespace Fire.Guard.Tests;

/// <summary>The permutation test behind "the flagged samples look like plain images of the target": its statistic, p-values and when it applies.</summary>
public class TargetLikenessTests
{
    /// <summary>The shortcut the shuffles rank by: (1/n1 + 1/n2)^2 times the smaller group's Gram sum is the squared distance of the two means.</summary>
    [Fact]
    public void TheGroupSumTimesTheSizeFactorIsTheSquaredDistanceOfTheMeans()
    {
        float[][] rows = [[1, 2], [3, -1], [0, 0], [5, 4], [-2, 1]];
        var gram = TargetLikenessTest.CentredGram(ToyLayeredModel.Batch(rows));
        int[] order = [3, 0, 4, 1, 2];
        foreach (int first in new[] { 2, 3 })
        {
            var a = order[..first].Select(i => rows[i]).ToArray();
            var b = order[first..].Select(i => rows[i]).ToArray();
            double distance = Enumerable.Range(0, 2).Sum(d => Math.Pow(a.Average(r => r[d]) - b.Average(r => r[d]), 2));
            double factor = Math.Pow(1.0 / first + 1.0 / (rows.Length - first), 2);
            Assert.Equal(distance, factor * TargetLikenessTest.GroupSum(gram, order, first), 1e-5); // centred in single precision
        }
    }

    [Fact]
    public void GroupsFarApartGetTheSmallestPValueAndIdenticalSamplesTheLargest()
    {
        var apart = Enumerable.Range(0, 24).Select(i => new[] { (i < 12 ? 10f : -10f) + 0.1f * MathF.Sin(i), MathF.Cos(i) }).ToArray();
        Assert.Equal(1.0 / (TargetLikenessTest.Permutations + 1), TargetLikenessTest.PValue(TargetLikenessTest.CentredGram(ToyLayeredModel.Batch(apart)), 12, new Random(1)));

        var same = Enumerable.Range(0, 24).Select(_ => new[] { 3f, -1f }).ToArray();
        Assert.Equal(1.0, TargetLikenessTest.PValue(TargetLikenessTest.CentredGram(ToyLayeredModel.Batch(same)), 12, new Random(1)));
    }

    /// <summary>Draws of one distribution: the p-value is not small (seeded, so exact), and it is the same for the same seed.</summary>
    [Fact]
    public void DrawsOfOneDistributionAreNotToldApart()
    {
        var rows = Enumerable.Range(0, 40).Select(i => new[] { MathF.Sin(3.7f * i), MathF.Cos(5.3f * i), MathF.Sin(1.1f * i + 2) }).ToArray();
        var gram = TargetLikenessTest.CentredGram(ToyLayeredModel.Batch(rows));
        double p = TargetLikenessTest.PValue(gram, 15, new Random(7));
        Assert.InRange(p, 0.05, 1.0);
        Assert.Equal(p, TargetLikenessTest.PValue(gram, 15, new Random(7)));
    }

    [Fact]
    public void TooFewSamplesOnEitherSideLeaveTheTestOut()
    {
        var model = new ToyLayeredModel(2, 2, ("hidden", x => (float[])x.Clone()), ("logits", x => (float[])x.Clone()));
        var many = ToyLayeredModel.Batch(Enumerable.Range(0, 12).Select(i => new[] { 1f + 0.1f * i, 0f }).ToArray());
        var few = ToyLayeredModel.Batch(Enumerable.Range(0, TargetLikenessTest.MinSamples - 1).Select(i => new[] { 2f, 0.1f * i }).ToArray());
        var test = TargetLikenessTest.Run(model, ["hidden"], many, few, new FireOptions());
        Assert.Null(test.Layers);
        Assert.False(test.LooksLikeTarget);
        Assert.Equal((12, TargetLikenessTest.MinSamples - 1), (test.FlaggedCount, test.TargetImageCount));
    }
}
