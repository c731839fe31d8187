using Fire.Defenses.Baselines;
using Fire.Engines.Torch;

namespace Fire.Defenses.Tests.Baselines;

public class FebruusTests
{
    [Fact]
    public void SalientPatchIsRemovedAndFilledFromItsSurroundings()
    {
        // Identity conv + mean + (y0 = g, y1 = -g): class 0, and Grad-CAM is proportional to the image itself,
        // so the bright 2x2 patch is exactly the region at or above 0.7 after normalisation.
        using var model = new TorchLayeredModel(new ConvGapLinear(6, new[] { 1f }, new[] { 0f }, new float[,] { { 1 }, { -1 } }, new[] { 0f, 0f }), ownsNet: true);
        var image = Enumerable.Repeat(0.2f, 36).ToArray();
        foreach (int p in new[] { 14, 15, 20, 21 }) image[p] = 1f;
        var februus = new Februus();
        februus.Fit(FunctionModel.Context(model, FunctionModel.Constant(model.InputShape, 0.2f)));

        var purified = februus.Purify(FunctionModel.Images(model.InputShape, image));
        Assert.Equal("conv", februus.Layer);
        Assert.All(purified.Data, v => Assert.Equal(0.2f, v, 6));
        Assert.Equal(new[] { 0 }, februus.Predict(FunctionModel.Images(model.InputShape, image)).Labels);
    }

    [Fact]
    public void NonTorchEngineIsRefusedByName()
    {
        var model = new FunctionModel(new[] { 1, 4, 4 }, 2, _ => new float[2]);
        var error = Assert.Throws<NotSupportedException>(() => new Februus().Fit(FunctionModel.Context(model, FunctionModel.Constant(model.InputShape, 0.5f))));
        Assert.Contains("TorchLayeredModel", error.Message);
    }
}
