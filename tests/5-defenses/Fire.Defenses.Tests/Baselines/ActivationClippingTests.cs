using Fire.Defenses.Baselines;
using Fire.Engines.Torch;

namespace Fire.Defenses.Tests.Baselines;

public class ActivationClippingTests
{
    // conv: channel 0 = x, channel 1 = 2x; gap: channel means; fc: y0 = 1.5, y1 = g1.
    private static TorchLayeredModel Model() => new(
        new ConvGapLinear(3, new[] { 1f, 2f }, new[] { 0f, 0f }, new float[,] { { 0, 0 }, { 0, 1 } }, new[] { 1.5f, 0f }), ownsNet: true);

    [Fact]
    public void BoundsAreThePerNeuronMaximaOfTheCleanActivations()
    {
        using var model = Model();
        var clean = FunctionModel.Images(model.InputShape,
            new[] { 0.1f, 0.5f, 0.2f, 0f, 0f, 0f, 0f, 0f, 0f },
            new[] { 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f });
        var clipping = new ActivationClipping();
        clipping.Fit(FunctionModel.Context(model, clean));

        Assert.Equal(new[] { "conv", "gap" }, clipping.Bounds.Keys.OrderBy(k => k));
        Assert.Equal(new[] { 0.5f, 1.0f }, clipping.Bounds["conv"].Upper);
        Assert.Equal(new[] { 0.3f, 0.6f }, clipping.Bounds["gap"].Upper.Select(v => MathF.Round(v, 6)));
        Assert.Null(clipping.Bounds["conv"].Lower);
    }

    [Fact]
    public void ClampIsExactPerChannel()
    {
        var activation = new FloatBatch(new[] { 0.2f, 0.9f, -1f, 3f, 1f, 2f }, new[] { 1, 2, 3 });
        ActivationClipping.Clamp(activation.AsSpan(), new ActivationClipping.NeuronBounds(new[] { 0.5f, 2.5f }, new[] { 0f, 1.5f }));
        Assert.Equal(new[] { 0.2f, 0.5f, 0f, 2.5f, 1.5f, 2f }, activation.Data);
    }

    [Fact]
    public void ClippingUndoesAnOutOfRangeActivation()
    {
        using var model = Model();
        var clean = FunctionModel.Constant(model.InputShape, 0.1f, 0.4f, 0.5f);
        var bright = FunctionModel.Constant(model.InputShape, 1f); // g1 = 2 > 1.5 undefended; clipped to 1.0
        var clipping = new ActivationClipping();
        clipping.Fit(FunctionModel.Context(model, clean));
        var undefended = new NoDefense();
        undefended.Fit(FunctionModel.Context(model, clean));

        Assert.Equal(new[] { 1 }, undefended.Predict(bright).Labels);
        Assert.Equal(new[] { 0 }, clipping.Predict(bright).Labels);
        Assert.Equal(undefended.Predict(clean).Labels, clipping.Predict(clean).Labels);
    }

    [Fact]
    public void UnknownLayerIsNamed()
    {
        using var model = Model();
        var error = Assert.Throws<ArgumentException>(() => new ActivationClipping(layers: new[] { "conv9" }).Fit(FunctionModel.Context(model, FunctionModel.Constant(model.InputShape, 0.1f))));
        Assert.Contains("conv9", error.Message);
    }
}
