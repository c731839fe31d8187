namespace Fire.Core;

/// <summary>
/// What one forward pass should read or change at named layers: activations to capture (taps), to read where they lie
/// (readers) and to change (editors). An editor changes the activation the layer produced in place; the rest of the
/// network runs on what it leaves, and a tap or reader at the same layer sees the edited value.
/// </summary>
public sealed class LayerAccess
{
    private readonly HashSet<string> _copies = new(StringComparer.Ordinal);
    private readonly HashSet<string> _taps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActivationReader> _readers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActivationEditor> _editors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FloatBatch> _captured = new(StringComparer.Ordinal);

    /// <summary>The layers whose activations an engine must hand over (<see cref="Capture"/> or <see cref="Deliver"/>): taps and readers.</summary>
    public IReadOnlyCollection<string> Taps => _taps;
    public IReadOnlyDictionary<string, ActivationEditor> Editors => _editors;
    /// <summary>Activations captured at the taps by the last forward pass (after any edit at the same layer).</summary>
    public IReadOnlyDictionary<string, FloatBatch> Captured => _captured;

    /// <summary>Keeps a copy of each layer's activations in <see cref="Captured"/>.</summary>
    public LayerAccess Tap(params string[] layers)
    {
        foreach (var layer in layers)
        {
            _copies.Add(layer);
            _taps.Add(layer);
        }
        return this;
    }

    /// <summary>
    /// Hands the layer's activations to <paramref name="reader"/> during the pass, in the engine's own memory where it can:
    /// no copy and no allocation of the batch's size (a served guard reads its scores this way on every request). Unlike an
    /// editor, a reader does not make an engine split the graph; it must not change or keep the span. Several readers at one
    /// layer are called in the order they were added.
    /// </summary>
    public LayerAccess Read(string layer, ActivationReader reader)
    {
        _readers[layer] = _readers.TryGetValue(layer, out var earlier) ? earlier + reader : reader;
        _taps.Add(layer);
        return this;
    }

    public LayerAccess Edit(string layer, ActivationEditor editor)
    {
        _editors[layer] = editor;
        return this;
    }

    /// <summary>Called by engines while running a forward pass, with a batch the engine made for it (a reader reads it too).</summary>
    public void Capture(string layer, FloatBatch activation)
    {
        if (_readers.TryGetValue(layer, out var reader)) reader(activation.AsSpan());
        if (_copies.Contains(layer)) _captured[layer] = activation;
    }

    /// <summary>Called by engines while running a forward pass, with the activations in their own memory: a reader reads them there, a tap gets a copy.</summary>
    public void Deliver(string layer, ActivationSpan activation)
    {
        if (_readers.TryGetValue(layer, out var reader)) reader(activation);
        if (_copies.Contains(layer)) _captured[layer] = new FloatBatch(activation.Values.ToArray(), activation.Shape.ToArray());
    }

    /// <summary>Every layer this access names, for validation against a model's layer list.</summary>
    public IEnumerable<string> NamedLayers => Taps.Concat(_editors.Keys);
}
