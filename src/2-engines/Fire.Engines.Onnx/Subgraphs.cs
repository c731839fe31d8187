using Onnx;

namespace Fire.Engines.Onnx;

/// <summary>
/// Cuts a graph into the piece that computes some tensors from another one: the nodes the outputs need, walking back
/// from them and stopping at <c>from</c>, which becomes the piece's only input. With <c>from</c> the graph's input and
/// the output among the outputs, the piece is the whole graph with extra outputs (taps); with a cut tensor it is a tail.
/// </summary>
internal static class Subgraphs
{
    /// <param name="from">The piece's input: the graph's input or a cut tensor, with its type (and shape where known).</param>
    /// <param name="outputs">The tensors the piece returns, each with its type.</param>
    public static ModelProto Cut(OnnxGraph source, ValueInfoProto from, IReadOnlyList<ValueInfoProto> outputs)
    {
        var graph = source.Graph;
        var needed = new HashSet<string>(outputs.Select(o => o.Name), StringComparer.Ordinal);
        var kept = new List<NodeProto>();
        for (int i = graph.Node.Count - 1; i >= 0; i--)
        {
            var node = graph.Node[i];
            if (!node.Output.Any(needed.Contains)) continue;
            kept.Add(node);
            foreach (var input in node.Input) if (input.Length > 0 && input != from.Name) needed.Add(input);
        }
        kept.Reverse();
        if (from.Name != source.Input.Name && needed.Contains(source.Input.Name))
            throw new InvalidOperationException($"'{source.Path}': tensor '{from.Name}' does not cut the graph: the outputs still need the input '{source.Input.Name}'.");

        var piece = new GraphProto { Name = graph.Name };
        piece.Node.AddRange(kept);
        piece.Input.Add(from);
        // Graphs of IR version 3 and older list their initializers among the inputs: keep those entries for the ones kept.
        piece.Input.AddRange(graph.Input.Where(i => i.Name != source.Input.Name && needed.Contains(i.Name)));
        piece.Initializer.AddRange(graph.Initializer.Where(t => needed.Contains(t.Name)));
        piece.SparseInitializer.AddRange(graph.SparseInitializer.Where(t => needed.Contains(t.Values?.Name ?? "")));
        piece.ValueInfo.AddRange(graph.ValueInfo.Where(v => needed.Contains(v.Name) && v.Name != from.Name && outputs.All(o => o.Name != v.Name)));
        piece.Output.AddRange(outputs);

        var model = new ModelProto
        {
            IrVersion = source.Model.IrVersion,
            ProducerName = "fire",
            Domain = source.Model.Domain,
            ModelVersion = source.Model.ModelVersion,
            Graph = piece,
        };
        model.OpsetImport.AddRange(source.Model.OpsetImport);
        model.Functions.AddRange(source.Model.Functions);
        return model;
    }
}
