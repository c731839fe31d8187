using Fire.Defenses.Baselines;
using Fire.Engines.Torch;

namespace Fire.Defenses.Tests.Baselines;

public class GradCamTests
{
    // conv: A0 = 2x, A1 = 1 - x; gap: g = mean(A); fc: y0 = g0 - 2 g1, y1 = -g0 + 0.5 g1.
    // dy_c/dA_k(i, j) = V[c, k] / 4 on a 2x2 image, so Grad-CAM's weights are V[c, :] / 4.
    private static ConvGapLinear Net() =>
        new(2, new[] { 2f, -1f }, new[] { 0f, 1f }, new float[,] { { 1, -2 }, { -1, 0.5f } }, new[] { 0f, 0f });

    private static readonly float[] Image = { 0.1f, 0.9f, 0.6f, 0.3f };

    [Fact]
    public void MapOfThePredictedClassMatchesTheHandComputation()
    {
        using var net = Net();
        using var model = new TorchLayeredModel(net);
        var (maps, classes) = new GradCam(net, "conv").Compute(FunctionModel.Images(new[] { 1, 2, 2 }, Image));
        // mean x = 0.475: y0 = 4 * 0.475 - 2 = -0.1 > y1 = -0.6875, so class 0; map = ReLU(0.5 x - 0.5 (1 - x)) = ReLU(x - 0.5).
        Assert.Equal(new[] { 0 }, classes);
        Assert.Equal(new[] { 1, 2, 2 }, maps.Shape);
        var expected = new[] { 0f, 0.4f, 0.1f, 0f };
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], maps.Data[i], 5);
    }

    [Fact]
    public void MapOfAChosenClassMatchesTheHandComputation()
    {
        using var net = Net();
        using var model = new TorchLayeredModel(net);
        var (maps, _) = new GradCam(net, "conv").Compute(FunctionModel.Images(new[] { 1, 2, 2 }, Image), new[] { 1 });
        // weights (-1/4, 0.5/4): map = ReLU(-0.5 x + 0.125 (1 - x)) = ReLU(0.125 - 0.625 x).
        var expected = new[] { 0.0625f, 0f, 0f, 0f };
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], maps.Data[i], 5);
    }

    [Fact]
    public void NormalisationResizesBilinearlyThenScalesToUnitRange()
    {
        var maps = FunctionModel.Images(new[] { 2, 2 }, new[] { 0f, 1f, 2f, 3f });
        var upsampled = GradCam.Normalized(maps, 4, 4);
        // Source coordinates of 4 target pixels over 2: 0, 0.25, 0.75, 1 (clamped half-pixel centres).
        var axis = new[] { 0f, 0.25f, 0.75f, 1f };
        for (int y = 0; y < 4; y++)
        for (int x = 0; x < 4; x++)
            Assert.Equal((axis[x] + 2 * axis[y]) / 3f, upsampled.Data[y * 4 + x], 5);
        Assert.All(GradCam.Normalized(FunctionModel.Images(new[] { 2, 2 }, new[] { 5f, 5f, 5f, 5f }), 2, 2).Data, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void LastSpatialLayerIsTheConvolution()
    {
        using var model = new TorchLayeredModel(Net(), ownsNet: true);
        Assert.Equal("conv", GradCam.LastSpatialLayer(model));
    }
}
