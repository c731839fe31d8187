namespace Fire.Testing;

/// <summary>A toy <see cref="ILayeredModel"/> on two-pixel images (1x1x2): the hidden layer "features" and the logits
/// are the image itself, so with 2 classes the brighter pixel wins. For tests that need latents they can compute by hand.</summary>
public sealed class TwoPixelIdentityModel : ILayeredModel
{
    public int[] InputShape => [1, 1, 2];
    public int ClassCount => 2;
    public IReadOnlyList<string> LayerNames => ["features", "logits"];
    public IReadOnlyList<LayerInfo> DescribeLayers() => [new("features", [2]), new("logits", [2])];
    public FloatBatch Forward(FloatBatch input, LayerAccess? access = null) => Flat(input);
    public FloatBatch Head(FloatBatch input, string layer) => Flat(input);
    public FloatBatch Tail(FloatBatch activation, string layer) => activation.Clone();
    private static FloatBatch Flat(FloatBatch input) => new((float[])input.Data.Clone(), [input.Count, 2]);
    public void Dispose() { }
}
