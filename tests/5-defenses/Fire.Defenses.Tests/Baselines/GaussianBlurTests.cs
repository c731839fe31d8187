using Fire.Defenses.Baselines;

namespace Fire.Defenses.Tests.Baselines;

public class GaussianBlurTests
{
    [Fact]
    public void KernelIsTheNormalisedGaussian()
    {
        var kernel = GaussianBlurDefense.Kernel1D(5, 1.0);
        double sum = 1 + 2 * Math.Exp(-0.5) + 2 * Math.Exp(-2);
        var expected = new[] { Math.Exp(-2), Math.Exp(-0.5), 1, Math.Exp(-0.5), Math.Exp(-2) }.Select(w => w / sum).ToArray();
        for (int i = 0; i < 5; i++) Assert.Equal(expected[i], kernel[i], 6);
        Assert.Equal(1.0, kernel.Sum(), 6);
    }

    [Fact]
    public void DeltaImageBecomesTheTwoDimensionalKernel()
    {
        var delta = new float[9 * 9];
        delta[4 * 9 + 4] = 1f;
        var blurred = new GaussianBlurDefense().Transform(FunctionModel.Images(new[] { 1, 9, 9 }, delta));
        var k = GaussianBlurDefense.Kernel1D(5, 1.0);
        for (int y = 0; y < 9; y++)
        for (int x = 0; x < 9; x++)
        {
            int dy = y - 4, dx = x - 4;
            float expected = Math.Abs(dy) <= 2 && Math.Abs(dx) <= 2 ? k[dy + 2] * k[dx + 2] : 0f;
            Assert.Equal(expected, blurred.Data[y * 9 + x], 6);
        }
    }

    [Fact]
    public void ReflectPaddingKeepsAConstantImageConstant()
    {
        var blurred = new GaussianBlurDefense().Transform(FunctionModel.Constant(new[] { 3, 6, 6 }, 0.4f));
        Assert.All(blurred.Data, v => Assert.Equal(0.4f, v, 5));
    }

    [Fact]
    public void EvenKernelIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianBlurDefense(kernelSize: 4));
}
