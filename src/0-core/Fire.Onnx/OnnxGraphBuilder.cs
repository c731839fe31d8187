using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Fire.Onnx;

/// <summary>
/// Adds nodes and initializers to an ONNX graph under names that are new in it (ONNX values are named once per graph),
/// inserting nodes at a cursor so that the node list stays in topological order: at the end when building a graph,
/// right after a producer when splicing into one.
/// </summary>
public sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _cursor;

    public OnnxGraphBuilder(GraphProto graph, int? insertAt = null)
    {
        _graph = graph;
        _cursor = insertAt ?? graph.Node.Count;
        if (_cursor < 0 || _cursor > graph.Node.Count)
            throw new ArgumentOutOfRangeException(nameof(insertAt), $"The graph has {graph.Node.Count} nodes; cannot insert at {_cursor}.");
        foreach (var node in graph.Node)
        {
            _names.Add(node.Name);
            foreach (var output in node.Output) _names.Add(output);
        }
        foreach (var value in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo)) _names.Add(value.Name);
        foreach (var initializer in graph.Initializer) _names.Add(initializer.Name);
    }

    public GraphProto Graph => _graph;

    /// <summary>Where the next node goes in the graph's node list.</summary>
    public int Cursor => _cursor;

    /// <summary><paramref name="wanted"/>, or it with the first free suffix "_2", "_3", ... when the graph uses it already; reserved from now on.</summary>
    public string UniqueName(string wanted)
    {
        string name = wanted;
        for (int i = 2; !_names.Add(name); i++) name = $"{wanted}_{i}";
        return name;
    }

    /// <summary>A float32 initializer (little-endian raw data); returns its name.</summary>
    public string Floats(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        CheckCount(name, values.Length, dims);
        var tensor = new TensorProto { Name = UniqueName(name), DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A float32 scalar initializer (rank 0); returns its name.</summary>
    public string Scalar(string name, float value) => Floats(name, [value]);

    /// <summary>An int64 initializer (shapes, pads, axes); returns its name.</summary>
    public string Int64s(string name, ReadOnlySpan<long> values, params long[] dims)
    {
        CheckCount(name, values.Length, dims);
        var tensor = new TensorProto { Name = UniqueName(name), DataType = (int)TensorProto.Types.DataType.Int64, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>
    /// Inserts a one-output node at the cursor. Its output is <paramref name="output"/> when given (a name the caller has
    /// reserved, or one the graph is known to lack), else a new name made from the node's; returns the output's name.
    /// </summary>
    public string Node(string opType, string name, IEnumerable<string> inputs, string? output = null, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = UniqueName(name) };
        node.Input.AddRange(inputs);
        node.Output.Add(output ?? UniqueName(node.Name + "_output"));
        _names.Add(node.Output[0]);
        node.Attribute.AddRange(attributes);
        _graph.Node.Insert(_cursor++, node);
        return node.Output[0];
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static void CheckCount(string name, int count, long[] dims)
    {
        long expected = dims.Aggregate(1L, (a, d) => a * d);
        if (count != expected) throw new ArgumentException($"Initializer '{name}': {count} values for shape [{string.Join(", ", dims)}] ({expected}).");
    }
}
