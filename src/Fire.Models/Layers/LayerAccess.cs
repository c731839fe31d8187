namespace Fire.Models.Layers;

/// <summary>
/// What one forward pass should read or change at named layers: activations to capture (taps) and
/// activations to replace (editors). An editor receives the activation the layer produced and returns the
/// one the rest of the network runs on; later taps see the replaced value.
/// </summary>
public sealed class LayerAccess
{
    private readonly HashSet<string> _taps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<FloatBatch, FloatBatch>> _editors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FloatBatch> _captured = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Taps => _taps;
    public IReadOnlyDictionary<string, Func<FloatBatch, FloatBatch>> Editors => _editors;
    /// <summary>Activations captured at the taps by the last forward pass (after any edit at the same layer).</summary>
    public IReadOnlyDictionary<string, FloatBatch> Captured => _captured;

    public LayerAccess Tap(params string[] layers)
    {
        foreach (var layer in layers) _taps.Add(layer);
        return this;
    }

    public LayerAccess Replace(string layer, Func<FloatBatch, FloatBatch> editor)
    {
        _editors[layer] = editor;
        return this;
    }

    /// <summary>Called by engines while running a forward pass.</summary>
    public void Capture(string layer, FloatBatch activation) => _captured[layer] = activation;

    /// <summary>Every layer this access names, for validation against a model's layer list.</summary>
    public IEnumerable<string> NamedLayers => _taps.Concat(_editors.Keys);
}
