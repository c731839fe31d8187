using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Fire.Onnx;
using Onnx;

namespace Fire.Engines.Onnx;

/// <summary>
/// Any ONNX image classifier (one float32 NCHW input, one (N, classes) output, fixed or dynamic batch) as an
/// <see cref="ILayeredModel"/>, run by ONNX Runtime. Its layers are the graph's cut tensors (<see cref="CutTensors"/>),
/// named by their producing nodes. Taps are extra graph outputs; a replacement splits the graph at the edited layer into
/// a piece that ends there and a piece that starts there (the edit happens in place in ONNX Runtime's output buffer,
/// which is then fed to the next piece). Each piece's session is built on first use and reused.
/// <para>Takes images in [0, 1]: an <see cref="InputNormalization"/>, when given, is applied before the graph, for
/// graphs that expect normalised input. Thread-safe: any number of calls may run at once (sessions run concurrently).</para>
/// </summary>
public sealed class OnnxLayeredModel : ILayeredModel
{
    private const int GraphInput = -1;
    private readonly OnnxGraph _graph;
    private readonly CutTensor[] _cuts;
    private readonly LayerInfo[] _layers;
    private readonly Dictionary<string, int> _index;
    private readonly SessionOptions _options;
    /// <summary>Sessions by piece and the layers it also returns (their indices, comma-separated), built on first use.</summary>
    private readonly ConcurrentDictionary<(int From, int To, string Taps), Lazy<InferenceSession>> _pieces = new();

    /// <param name="path">The .onnx file.</param>
    /// <param name="normalization">Applied to [0, 1] pixels before the graph (null: the graph takes [0, 1] pixels).</param>
    /// <param name="threads">ONNX Runtime's intra-op threads per call (0: its default, one per physical core).</param>
    public OnnxLayeredModel(string path, InputNormalization? normalization = null, int threads = 0)
        : this(OnnxGraph.Read(path), normalization, threads, null)
    {
    }

    /// <summary>A graph held in memory, e.g. a Fire checkpoint exported to run on ONNX Runtime.</summary>
    /// <param name="source">Names the model in errors and is its <see cref="Path"/>.</param>
    /// <param name="layers">The layers to expose, by name (null: every cut tensor). A zoo model's export keeps its
    /// TorchSharp layer names, so a guard fitted through either engine loads in the other and the automatic choice sees
    /// the same candidates; each must be a cut tensor of the graph.</param>
    public OnnxLayeredModel(ModelProto model, string source, InputNormalization? normalization = null, int threads = 0, IReadOnlyList<string>? layers = null)
        : this(OnnxGraph.From(model, source), normalization, threads, layers)
    {
    }

    private OnnxLayeredModel(OnnxGraph graph, InputNormalization? normalization, int threads, IReadOnlyList<string>? layers)
    {
        _graph = graph;
        normalization?.Check(_graph.InputShape[0], $"The normalisation for '{graph.Path}'");
        Normalization = normalization;
        _options = OrtSessions.Options(threads);
        try
        {
            (_cuts, _layers) = Probe(CutTensors.Find(_graph.Graph, _graph.Input.Name, _graph.Output.Name));
            if (layers is not null) (_cuts, _layers) = Only(layers);
        }
        catch
        {
            _options.Dispose();
            throw;
        }
        _index = _layers.Select((l, i) => (l.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
    }

    public string Path => _graph.Path;
    public InputNormalization? Normalization { get; }
    /// <summary>The batch size the graph was exported for, when not dynamic: calls are then run in batches of it.</summary>
    public int? FixedBatch => _graph.FixedBatch;
    public int[] InputShape => (int[])_graph.InputShape.Clone();
    public int ClassCount => _layers[^1].ActivationShape[0];
    public IReadOnlyList<string> LayerNames => _layers.Select(l => l.Name).ToList();
    public IReadOnlyList<LayerInfo> DescribeLayers() => _layers;
    /// <summary>The graph tensor each layer names (for tools that edit the graph).</summary>
    public string TensorOf(string layer) => _cuts[LayerIndex(layer)].Tensor;

    public FloatBatch Forward(FloatBatch input, LayerAccess? access = null)
    {
        var editors = new SortedDictionary<int, ActivationEditor>();
        var taps = new HashSet<int>();
        if (access is not null)
        {
            foreach (var (layer, editor) in access.Editors) editors[LayerIndex(layer)] = editor;
            foreach (var layer in access.Taps) taps.Add(LayerIndex(layer));
        }
        var stops = editors.Keys.Append(_layers.Length - 1).Distinct().ToArray();
        var pixels = Pixels(input);
        if (_graph.FixedBatch is { } fixedBatch && fixedBatch != input.Count)
            return ForwardInChunks(pixels, input.Count, stops, editors, taps, access);
        int from = GraphInput;
        IDisposable? held = null;
        OrtValue current = OrtValue.CreateTensorValueFromMemory(pixels, [input.Count, .. _graph.InputShape]);
        try
        {
            foreach (int stop in stops)
            {
                var wanted = taps.Where(t => t > from && t < stop).Order().Prepend(stop).ToArray();
                var results = Run(from, stop, current, wanted);
                current.Dispose();
                held?.Dispose();
                held = results;
                current = results[0];
                // Taps and readers get the outputs where ONNX Runtime wrote them (a tap copies; a reader does not).
                for (int i = 1; i < wanted.Length; i++) access!.Deliver(_layers[wanted[i]].Name, Span(results[i]));
                if (editors.TryGetValue(stop, out var editor)) editor(Span(current));
                if (taps.Contains(stop)) access!.Deliver(_layers[stop].Name, Span(current));
                from = stop;
            }
            return OrtSessions.ToBatch(current);
        }
        finally
        {
            if (held is null) current.Dispose();
            held?.Dispose();
        }
    }

    private static ActivationSpan Span(OrtValue value) => new(value.GetTensorMutableDataAsSpan<float>(), OrtSessions.Shape(value));

    /// <summary>
    /// A graph exported for a fixed batch size, given another: each piece runs in batches of that size (the last one
    /// padded with zeros), and editors and taps see the whole batch at once without the padding, as they do otherwise
    /// (an editor may keep per-row state, such as which rows it changed).
    /// </summary>
    private FloatBatch ForwardInChunks(float[] pixels, int count, int[] stops, SortedDictionary<int, ActivationEditor> editors, HashSet<int> taps, LayerAccess? access)
    {
        var current = new FloatBatch(pixels, [count, .. _graph.InputShape]);
        int from = GraphInput;
        foreach (int stop in stops)
        {
            var wanted = taps.Where(t => t > from && t < stop).Prepend(stop).ToArray();
            var outputs = RunInChunks(from, stop, wanted, current);
            current = outputs[0];
            for (int i = 1; i < wanted.Length; i++) access!.Capture(_layers[wanted[i]].Name, outputs[i]);
            if (editors.TryGetValue(stop, out var editor)) editor(current.AsSpan());
            if (taps.Contains(stop)) access!.Capture(_layers[stop].Name, current.Clone());
            from = stop;
        }
        return current;
    }

    /// <summary>
    /// The piece from <paramref name="from"/> to <paramref name="to"/> over the whole batch, every wanted output: in one
    /// call, or for a graph with a fixed batch size, in batches of that size (the last one padded with zeros, its
    /// padding dropped from the outputs).
    /// </summary>
    private FloatBatch[] RunInChunks(int from, int to, int[] wanted, FloatBatch input)
    {
        if (_graph.FixedBatch is not { } size || size == input.Count)
        {
            using var value = OrtValue.CreateTensorValueFromMemory(input.Data, input.Shape.Select(d => (long)d).ToArray());
            using var results = Run(from, to, value, wanted);
            return results.Select(OrtSessions.ToBatch).ToArray();
        }
        var parts = wanted.Select(_ => new List<FloatBatch>()).ToArray();
        for (int start = 0; start < input.Count; start += size)
        {
            int n = Math.Min(size, input.Count - start);
            var chunk = new float[size * input.SampleSize];
            Array.Copy(input.Data, start * input.SampleSize, chunk, 0, n * input.SampleSize);
            using var value = OrtValue.CreateTensorValueFromMemory(chunk, [size, .. input.SampleShape.Select(d => (long)d)]);
            using var results = Run(from, to, value, wanted);
            for (int i = 0; i < wanted.Length; i++)
            {
                var all = OrtSessions.ToBatch(results[i]);
                parts[i].Add(new FloatBatch(all.Data[..(n * all.SampleSize)], [n, .. all.SampleShape]));
            }
        }
        return parts.Select(p => Concatenate(p, input.Count)).ToArray();
    }

    public FloatBatch Head(FloatBatch input, string layer)
    {
        int index = LayerIndex(layer);
        return RunInChunks(GraphInput, index, [index], new FloatBatch(Pixels(input), [input.Count, .. _graph.InputShape]))[0];
    }

    public FloatBatch Tail(FloatBatch activation, string layer)
    {
        int index = LayerIndex(layer);
        var shape = _layers[index].ActivationShape;
        if (!activation.SampleShape.SequenceEqual(shape))
            throw new ArgumentException($"Layer '{layer}' of '{Path}' has activations of shape [{string.Join(", ", shape)}]; got [{string.Join(", ", activation.SampleShape)}].");
        if (index == _layers.Length - 1) return activation.Clone();
        return RunInChunks(index, _layers.Length - 1, [_layers.Length - 1], activation)[0];
    }

    private IDisposableReadOnlyCollection<OrtValue> Run(int from, int to, OrtValue input, int[] outputs)
    {
        var taps = outputs.Skip(1).Order().ToArray();
        var session = _pieces.GetOrAdd((from, to, string.Join(",", taps)), key => new Lazy<InferenceSession>(() => Build(key.From, key.To, taps))).Value;
        using var options = new RunOptions();
        return session.Run(options, [InputName(from)], [input], outputs.Select(o => _cuts[o].Tensor).ToArray());
    }

    /// <summary>
    /// The session of the piece from <paramref name="from"/> (a layer index or the graph input) to layer
    /// <paramref name="to"/>, returning the layers <paramref name="taps"/> too and no others: a tensor that is a graph
    /// output cannot be fused away, so every extra output costs ONNX Runtime an optimisation (a Conv's Relu, a layout).
    /// </summary>
    private InferenceSession Build(int from, int to, int[] taps)
    {
        var input = from == GraphInput ? _graph.Input : LayerTensor(_cuts[from].Tensor, _layers[from].ActivationShape);
        var outputs = taps.Append(to).Select(i => i == _layers.Length - 1
            ? _graph.Output : LayerTensor(_cuts[i].Tensor, _layers[i].ActivationShape)).ToList();
        return OrtSessions.Create(Subgraphs.Cut(_graph, input, outputs), _options, Path);
    }

    /// <summary>
    /// Runs the whole graph once, every candidate cut as an output, on a batch of zeros: keeps the float32 ones whose
    /// first dimension is the batch (the layers) and learns their shapes.
    /// </summary>
    private (CutTensor[], LayerInfo[]) Probe(IReadOnlyList<CutTensor> candidates)
    {
        int batch = _graph.FixedBatch ?? 2;
        var outputs = candidates.Select(c => c.Tensor == _graph.Output.Name ? _graph.Output : Untyped(c.Tensor)).ToList();
        using (var session = OrtSessions.Create(Subgraphs.Cut(_graph, _graph.Input, outputs), _options, Path))
        {
            var zeros = new float[batch * _graph.InputShape.Aggregate(1, (a, d) => a * d)];
            using var input = OrtValue.CreateTensorValueFromMemory(zeros, [batch, .. _graph.InputShape]);
            using var options = new RunOptions();
            using var results = session.Run(options, [_graph.Input.Name], [input], candidates.Select(c => c.Tensor).ToArray());
            var kept = new List<(CutTensor, LayerInfo)>();
            for (int i = 0; i < candidates.Count; i++)
            {
                var info = results[i].GetTensorTypeAndShape();
                if (info.ElementDataType != TensorElementType.Float || info.Shape.Length == 0 || info.Shape[0] != batch) continue;
                kept.Add((candidates[i], new LayerInfo(candidates[i].Name, info.Shape.Skip(1).Select(d => (int)d).ToArray())));
            }
            if (kept.Count == 0 || kept[^1].Item1.Tensor != _graph.Output.Name)
                throw new InvalidDataException($"'{Path}': the output '{_graph.Output.Name}' is not float32 logits of shape (batch, classes) for a batch of {batch}.");
            if (kept[^1].Item2.ActivationShape.Length != 1)
                throw new InvalidDataException($"'{Path}': the output '{_graph.Output.Name}' has shape [{string.Join(", ", kept[^1].Item2.ActivationShape)}] per image; Fire takes classifiers with one logit per class.");
            return (kept.Select(k => k.Item1).ToArray(), kept.Select(k => k.Item2).ToArray());
        }
    }

    /// <summary>A layer's tensor declared as a piece's input or output: (batch, ...shape), the batch dynamic unless the graph fixes it.</summary>
    private ValueInfoProto LayerTensor(string tensor, int[] sampleShape) =>
        OnnxModelFile.FloatTensor(tensor, [_graph.FixedBatch, .. sampleShape.Select(d => (long?)d)]);

    /// <summary>The probed layers named in <paramref name="names"/>, in graph order; the logits stay last.</summary>
    private (CutTensor[], LayerInfo[]) Only(IReadOnlyList<string> names)
    {
        var missing = names.Where(n => !_layers.Any(l => l.Name == n)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"'{Path}': {string.Join(", ", missing)} {(missing.Count == 1 ? "is not a layer" : "are not layers")} of the graph (cut tensors named by their nodes: {string.Join(", ", _layers.Select(l => l.Name))}).");
        var wanted = names.ToHashSet(StringComparer.Ordinal);
        var kept = Enumerable.Range(0, _layers.Length).Where(i => wanted.Contains(_layers[i].Name) || i == _layers.Length - 1).ToArray();
        return (kept.Select(i => _cuts[i]).ToArray(), kept.Select(i => _layers[i]).ToArray());
    }

    /// <summary>An output declared without a type: ONNX Runtime infers it, so non-float cuts can be told apart by the probe.</summary>
    private static ValueInfoProto Untyped(string tensor) => new() { Name = tensor };

    private string InputName(int from) => from == GraphInput ? _graph.Input.Name : _cuts[from].Tensor;

    private int LayerIndex(string layer) => _index.TryGetValue(layer, out int index) ? index
        : throw new ArgumentException($"'{layer}' is not a layer of '{Path}'. Its layers: {string.Join(", ", _layers.Select(l => l.Name))} (`fire model layers {Path}` lists them with shapes).");

    /// <summary>Checked [0, 1] pixels in the graph's shape, normalised when the graph expects it.</summary>
    private float[] Pixels(FloatBatch input)
    {
        if (!input.SampleShape.SequenceEqual(_graph.InputShape))
            throw new ArgumentException($"'{Path}' takes images of shape [{string.Join(", ", _graph.InputShape)}] (C, H, W); got [{string.Join(", ", input.SampleShape)}]. Resize the images to the model's size.");
        PixelRange.Check(input);
        return Normalization?.Apply(input) ?? input.Data;
    }

    private static FloatBatch Concatenate(List<FloatBatch> parts, int count)
    {
        if (parts.Count == 1) return parts[0];
        var data = new float[parts.Sum(p => p.Data.Length)];
        int offset = 0;
        foreach (var part in parts)
        {
            part.Data.CopyTo(data, offset);
            offset += part.Data.Length;
        }
        return new FloatBatch(data, [count, .. parts[0].SampleShape]);
    }

    public void Dispose()
    {
        foreach (var piece in _pieces.Values)
            if (piece.IsValueCreated) piece.Value.Dispose();
        _pieces.Clear();
        _options.Dispose();
    }
}
