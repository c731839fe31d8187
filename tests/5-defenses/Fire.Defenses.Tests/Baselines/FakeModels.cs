namespace Fire.Defenses.Tests.Baselines;

/// <summary>
/// An engine-free model with two layers: "input" (the image itself, so editors and taps work on it) and "logits",
/// a function of each (possibly edited) image. STRIP, the transforms and clipping need no more.
/// </summary>
internal sealed class FunctionModel : ILayeredModel
{
    private readonly Func<float[], float[]> _logits;

    public FunctionModel(int[] inputShape, int classCount, Func<float[], float[]> logits)
    {
        InputShape = inputShape;
        ClassCount = classCount;
        _logits = logits;
    }

    public int[] InputShape { get; }
    public int ClassCount { get; }
    public IReadOnlyList<string> LayerNames => new[] { "input", "logits" };

    public IReadOnlyList<LayerInfo> DescribeLayers() => new[] { new LayerInfo("input", InputShape), new LayerInfo("logits", new[] { ClassCount }) };

    public FloatBatch Forward(FloatBatch input, LayerAccess? access = null)
    {
        var hidden = input;
        if (access is not null && access.Editors.TryGetValue("input", out var edit))
        {
            hidden = input.Clone();
            edit(hidden.AsSpan());
        }
        if (access is not null && access.Taps.Contains("input")) access.Capture("input", hidden);
        var logits = Tail(hidden, "input");
        if (access is not null && access.Taps.Contains("logits")) access.Capture("logits", logits);
        return logits;
    }

    public FloatBatch Head(FloatBatch input, string layer) => layer == "input" ? input : Forward(input);

    public FloatBatch Tail(FloatBatch activation, string layer)
    {
        if (layer == "logits") return activation;
        var data = new float[activation.Count * ClassCount];
        for (int n = 0; n < activation.Count; n++) _logits(activation.Sample(n).ToArray()).CopyTo(data, n * ClassCount);
        return new FloatBatch(data, new[] { activation.Count, ClassCount });
    }

    public void Dispose() { }

    public static FloatBatch Images(int[] chw, params float[][] images)
    {
        var data = images.SelectMany(i => i).ToArray();
        return new FloatBatch(data, new[] { images.Length }.Concat(chw).ToArray());
    }

    public static FloatBatch Constant(int[] chw, params float[] values) =>
        Images(chw, values.Select(v => Enumerable.Repeat(v, chw.Aggregate(1, (a, d) => a * d)).ToArray()).ToArray());

    public static DefenseContext Context(ILayeredModel model, FloatBatch clean, int seed = 0) =>
        new(model, clean, new int[clean.Count], new FloatBatch(Array.Empty<float>(), new[] { 0 }.Concat(model.InputShape).ToArray()), Seed: seed);
}
