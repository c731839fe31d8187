namespace Fire.Core;

/// <summary>
/// What one forward pass should read or change at named layers: activations to capture (taps) and
/// activations to change (editors). An editor changes the activation the layer produced in place; the rest of the
/// network runs on what it leaves, and a tap at the same layer sees the edited value.
/// </summary>
public sealed class LayerAccess
{
    private readonly HashSet<string> _taps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActivationEditor> _editors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FloatBatch> _captured = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Taps => _taps;
    public IReadOnlyDictionary<string, ActivationEditor> Editors => _editors;
    /// <summary>Activations captured at the taps by the last forward pass (after any edit at the same layer).</summary>
    public IReadOnlyDictionary<string, FloatBatch> Captured => _captured;

    public LayerAccess Tap(params string[] layers)
    {
        foreach (var layer in layers) _taps.Add(layer);
        return this;
    }

    public LayerAccess Edit(string layer, ActivationEditor editor)
    {
        _editors[layer] = editor;
        return this;
    }

    /// <summary>Called by engines while running a forward pass.</summary>
    public void Capture(string layer, FloatBatch activation) => _captured[layer] = activation;

    /// <summary>Every layer this access names, for validation against a model's layer list.</summary>
    public IEnumerable<string> NamedLayers => _taps.Concat(_editors.Keys);
}
