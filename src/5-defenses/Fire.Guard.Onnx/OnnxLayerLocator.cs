using Onnx;

namespace Fire.Guard.Onnx;

/// <summary>
/// Where a layer lives in an ONNX graph: a layer is named by the node that produces its tensor (its first output), or,
/// for a node without a name, by the tensor's own name. Also reads the tensor's per-sample size where the graph
/// declares its shape (value_info or outputs), so a guard for another model is caught before anything runs.
/// </summary>
public sealed record OnnxLayerLocation(int NodeIndex, int OutputIndex, string Tensor, long[]? SampleShape)
{
    /// <summary>Values per sample, where the graph declares the sample shape.</summary>
    public long? SampleSize => SampleShape?.Aggregate(1L, (a, d) => a * d);

    public static OnnxLayerLocation Find(GraphProto graph, string layer, string source)
    {
        var byName = Enumerable.Range(0, graph.Node.Count).Where(i => graph.Node[i].Name == layer).ToList();
        if (byName.Count > 1) throw new InvalidDataException($"'{source}' has {byName.Count} nodes named '{layer}'; a layer must name one node.");
        int nodeIndex = byName.Count == 1 ? byName[0] : -1, outputIndex = 0;
        if (nodeIndex < 0)
            for (int i = 0; i < graph.Node.Count && nodeIndex < 0; i++)
                if (string.IsNullOrEmpty(graph.Node[i].Name) && graph.Node[i].Output.IndexOf(layer) is int k and >= 0) (nodeIndex, outputIndex) = (i, k);
        if (nodeIndex < 0)
        {
            var known = graph.Node.Select(n => string.IsNullOrEmpty(n.Name) ? n.Output.FirstOrDefault() : n.Name).Where(n => !string.IsNullOrEmpty(n)).ToList();
            throw new InvalidDataException($"'{source}' has no node named '{layer}' (nor an unnamed node with an output of that name), a layer the guard repairs: " +
                $"the guard was fitted for another model. Its nodes: {string.Join(", ", known.Take(30))}{(known.Count > 30 ? $", ... ({known.Count} in all)" : "")}.");
        }
        if (graph.Node[nodeIndex].Output.Count == 0 || string.IsNullOrEmpty(graph.Node[nodeIndex].Output[outputIndex]))
            throw new InvalidDataException($"'{source}': node '{layer}' produces no tensor to repair.");
        string tensor = graph.Node[nodeIndex].Output[outputIndex];
        return new OnnxLayerLocation(nodeIndex, outputIndex, tensor, SampleShapeOf(graph, tensor));
    }

    /// <summary>Every dimension after the first (the batch), where the graph declares them all as numbers; else null.</summary>
    private static long[]? SampleShapeOf(GraphProto graph, string tensor)
    {
        var declared = graph.ValueInfo.Concat(graph.Output).FirstOrDefault(v => v.Name == tensor);
        var dims = declared?.Type?.TensorType?.Shape?.Dim;
        if (dims is null || dims.Count < 2 || dims.Skip(1).Any(d => !d.HasDimValue)) return null;
        return dims.Skip(1).Select(d => d.DimValue).ToArray();
    }
}
