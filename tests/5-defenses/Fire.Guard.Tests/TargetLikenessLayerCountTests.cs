namespace Fire.Guard.Tests;

/// <summary>The likeness test must be able to reject at any number of candidate layers (ONNX graphs have 20 and more).</summary>
public class TargetLikenessLayerCountTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(11)]
    [InlineData(20)]
    public void Up_to_20_layers_keep_1999_shuffles(int layers) =>
        Assert.Equal(TargetLikenessTest.Permutations, TargetLikenessTest.PermutationsFor(layers, 0.01));

    [Theory]
    [InlineData(21, 4199)]
    [InlineData(22, 4399)]
    [InlineData(60, 11999)]
    public void Many_layers_get_enough_shuffles_to_reach_half_the_Bonferroni_threshold(int layers, int expected)
    {
        int permutations = TargetLikenessTest.PermutationsFor(layers, 0.01);
        Assert.Equal(expected, permutations);
        Assert.True(1.0 / (permutations + 1) <= 0.01 / layers / 2);
    }

    [Fact]
    public void The_smallest_p_value_follows_the_shuffle_count()
    {
        var apart = Enumerable.Range(0, 24).Select(i => new[] { (i < 12 ? 10f : -10f) + 0.1f * MathF.Sin(i), MathF.Cos(i) }).ToArray();
        double p = TargetLikenessTest.PValue(TargetLikenessTest.CentredGram(ToyLayeredModel.Batch(apart)), 12, new Random(1), permutations: 4399);
        Assert.Equal(1.0 / 4400, p);
        Assert.True(p < 0.01 / 22);
    }

    [Fact]
    public void A_level_of_0_turns_the_test_off_and_keeps_the_default() =>
        Assert.Equal(TargetLikenessTest.Permutations, TargetLikenessTest.PermutationsFor(22, 0));
}
