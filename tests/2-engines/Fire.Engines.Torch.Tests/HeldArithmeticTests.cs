using static TorchSharp.torch;

namespace Fire.Engines.Torch.Tests;

public class HeldArithmeticTests
{
    private static float[] Values(Tensor t) => t.data<float>().ToArray();

    [Fact]
    public void Each_helper_gives_exactly_the_operators_result()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var x = randn(50);
        var y = randn(50);
        Assert.Equal(Values(x + y), Values(x.Plus(y)));
        Assert.Equal(Values(x + 0.5), Values(x.Plus(0.5)));
        Assert.Equal(Values(x - 1e-7), Values(x.Minus(1e-7)));
        Assert.Equal(Values(x * 20), Values(x.Times(20)));
        Assert.Equal(Values(x / (2 + 1e-7)), Values(x.DividedBy(2 + 1e-7)));
        Assert.Equal(Values(x.clamp(-1, 1)), Values(x.Clamped(-1, 1)));
        Assert.Equal(Values(x.square()), Values(x.Squared()));
        Assert.Equal([1.5f, 2f], Values(tensor(new[] { 1f, 2f }).Plus(0.5).Clamped(0, 2)));
    }

    [Fact]
    public void A_constant_is_one_held_scalar()
    {
        Assert.Same(HeldScalars.Of(0.25), HeldScalars.Of(0.25));
        Assert.NotSame(HeldScalars.Of(0.25), HeldScalars.Of(0.5));
        using var two = tensor(2f);
        Assert.Equal(0.5f, two.mul(HeldScalars.Of(0.25)).item<float>());
    }
}
