namespace Fire.Defenses.Baselines;

/// <summary>
/// Activation clipping: each neuron's activation is bounded by what clean data produces there, so a trigger cannot
/// drive a neuron far beyond its clean range. Bounds are per channel for (C, H, W) activations and per unit for
/// (units) activations (for other ranks, per index of the first sample dimension).
/// The rule "bound = maximum over clean data" is Ranger's (Chen et al., "A Low-cost Fault Corrector for Deep Neural
/// Networks through Range Restriction", DSN 2021); Xiang et al., "Improved Activation Clipping for Universal Backdoor
/// Mitigation and Test-Time Detection" (2023), showed that clipping with bounds from a small clean set mitigates
/// backdoors (they optimise the bounds; we keep the paper-free, parameter-free form).
/// Defaults: the bound of a neuron is the <see cref="Quantile"/> (1.0 = the maximum) over the clean reference images of
/// that neuron's per-image maximum (the maximum over positions for a channel); every layer except the last (the
/// logits) is clipped; only from above (<see cref="ClipBelow"/> false: after a ReLU the lower bound is 0 anyway).
/// All bounds come from one unclipped pass over the clean set, so a quantile below 1 is measured on unclipped inputs.
/// Clamping is applied with <see cref="LayerAccess"/> editors, so any engine implementing ILayeredModel works.
/// </summary>
public sealed class ActivationClipping : IRuntimeDefense
{
    public const string DefenseName = "clip";
    public const double DefaultQuantile = 1.0;

    private Fitted? _fitted;

    /// <param name="layers">Layers to clip; null = every layer except the last.</param>
    public ActivationClipping(double quantile = DefaultQuantile, IReadOnlyList<string>? layers = null, bool clipBelow = false)
    {
        if (!(quantile > 0 && quantile <= 1)) throw new ArgumentOutOfRangeException(nameof(quantile), $"The clipping quantile must be in (0, 1], got {quantile}.");
        Quantile = quantile;
        RequestedLayers = layers;
        ClipBelow = clipBelow;
    }

    public double Quantile { get; }
    public IReadOnlyList<string>? RequestedLayers { get; }
    public bool ClipBelow { get; }
    public string Name => DefenseName;

    /// <summary>Per-neuron upper (and, with <see cref="ClipBelow"/>, lower) bounds by layer, once fitted.</summary>
    public IReadOnlyDictionary<string, NeuronBounds> Bounds => DefenseInputs.Fitted(Name, _fitted).Bounds;

    public sealed record NeuronBounds(float[] Upper, float[]? Lower);

    private sealed record Fitted(ILayeredModel Model, Dictionary<string, NeuronBounds> Bounds);

    public void Fit(DefenseContext context)
    {
        DefenseInputs.CheckContext(Name, context, minimumClean: 1);
        var model = context.Model;
        var layers = RequestedLayers ?? model.LayerNames.Take(model.LayerNames.Count - 1).ToList();
        if (layers.Count == 0) throw new ArgumentException($"{Name}: no layer to clip (the model has {model.LayerNames.Count} layer(s)).");
        foreach (var layer in layers)
            if (!model.LayerNames.Contains(layer))
                throw new ArgumentException($"{Name}: unknown layer '{layer}'. Layers: {string.Join(", ", model.LayerNames)}.");

        var maxima = layers.ToDictionary(l => l, _ => new List<float[]>());
        var minima = layers.ToDictionary(l => l, _ => new List<float[]>());
        foreach (var (_, chunk) in BatchSlicing.Chunks(context.CleanReference, ModelPredictions.DefaultChunkSize))
        {
            var access = new LayerAccess().Tap(layers.ToArray());
            model.Forward(chunk, access);
            foreach (var layer in layers)
            {
                var (max, min) = PerImageExtremes(access.Captured[layer]);
                maxima[layer].AddRange(max);
                minima[layer].AddRange(min);
            }
        }
        var bounds = layers.ToDictionary(l => l, l => new NeuronBounds(
            NeuronQuantile(maxima[l], Quantile),
            ClipBelow ? NeuronQuantile(minima[l], 1 - Quantile) : null));
        _fitted = new Fitted(model, bounds);
    }

    public DefensePrediction Predict(FloatBatch images)
    {
        var fitted = DefenseInputs.Fitted(Name, _fitted);
        DefenseInputs.CheckImages(Name, fitted.Model, images, "input batch");
        return new DefensePrediction(ModelPredictions.Predict(fitted.Model, images, () => ClippingAccess(fitted.Bounds)));
    }

    private static LayerAccess ClippingAccess(Dictionary<string, NeuronBounds> bounds)
    {
        var access = new LayerAccess();
        foreach (var (layer, b) in bounds) access.Edit(layer, activation => Clamp(activation, b));
        return access;
    }

    /// <summary>Clamps each neuron's values in <paramref name="activation"/> to its bounds, in place.</summary>
    public static void Clamp(ActivationSpan activation, NeuronBounds bounds)
    {
        int neurons = NeuronCount(activation.Shape), spread = activation.Count == 0 ? 0 : activation.SampleSize / neurons;
        if (bounds.Upper.Length != neurons)
            throw new ArgumentException($"Bounds for {bounds.Upper.Length} neurons applied to an activation with {neurons} ([{string.Join(", ", activation.Shape.ToArray())}]).");
        var data = activation.Values;
        for (int i = 0; i < data.Length; i++)
        {
            int neuron = i / spread % neurons;
            float v = Math.Min(data[i], bounds.Upper[neuron]);
            data[i] = bounds.Lower is null ? v : Math.Max(v, bounds.Lower[neuron]);
        }
    }

    private static int NeuronCount(ReadOnlySpan<int> shape) => shape.Length > 1 ? shape[1] : 1;

    /// <summary>For each image, each neuron's largest and smallest value over its positions.</summary>
    private static (float[][] Max, float[][] Min) PerImageExtremes(FloatBatch activation)
    {
        int neurons = NeuronCount(activation.Shape), spread = activation.SampleSize / neurons;
        var max = new float[activation.Count][];
        var min = new float[activation.Count][];
        for (int n = 0; n < activation.Count; n++)
        {
            var sample = activation.Sample(n);
            max[n] = new float[neurons];
            min[n] = new float[neurons];
            for (int k = 0; k < neurons; k++)
            {
                var values = sample.Slice(k * spread, spread);
                float hi = float.NegativeInfinity, lo = float.PositiveInfinity;
                foreach (float v in values) { hi = Math.Max(hi, v); lo = Math.Min(lo, v); }
                max[n][k] = hi;
                min[n][k] = lo;
            }
        }
        return (max, min);
    }

    private static float[] NeuronQuantile(List<float[]> perImage, double q) =>
        Enumerable.Range(0, perImage[0].Length)
            .Select(k => (float)Quantiles.Of(perImage.Select(row => (double)row[k]), q))
            .ToArray();

    public void Dispose() { }
}
