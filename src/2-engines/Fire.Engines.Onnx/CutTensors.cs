using Onnx;

namespace Fire.Engines.Onnx;

/// <summary>A layer of an ONNX graph: a cut tensor and the name users know it by (its producing node's name, else the tensor's).</summary>
internal sealed record CutTensor(string Name, string Tensor, int NodeIndex);

/// <summary>
/// The graph's cut tensors: tensors that every path from the input to the output passes through, in execution order,
/// the output last. A residual network is therefore cut only between its blocks, never inside one (the skip path
/// bypasses every tensor inside). Paths count every edge, shape computations included.
/// </summary>
internal static class CutTensors
{
    public static IReadOnlyList<CutTensor> Find(GraphProto graph, string input, string output)
    {
        var nodes = graph.Node;
        var reachable = Reachable(nodes, input, excluded: null);
        var ancestors = AncestorsOf(nodes, output);
        var cuts = new List<CutTensor>();
        var usedNames = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++)
            foreach (var tensor in nodes[i].Output)
            {
                if (tensor.Length == 0 || !reachable.Contains(tensor) || !ancestors.Contains(tensor)) continue;
                if (Reachable(nodes, input, excluded: tensor).Contains(output)) continue;
                string name = nodes[i].Name is { Length: > 0 } node && !usedNames.Contains(node) ? node : tensor;
                usedNames.Add(name);
                cuts.Add(new CutTensor(name, tensor, i));
            }
        return cuts;
    }

    /// <summary>Tensors computed from <paramref name="input"/> when <paramref name="excluded"/> is removed (nodes are topologically sorted, as ONNX requires).</summary>
    private static HashSet<string> Reachable(IList<NodeProto> nodes, string input, string? excluded)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal) { input };
        foreach (var node in nodes)
            if (node.Input.Any(reached.Contains))
                foreach (var tensor in node.Output)
                    if (tensor != excluded && tensor.Length > 0) reached.Add(tensor);
        return reached;
    }

    /// <summary><paramref name="tensor"/> and every tensor it is computed from.</summary>
    private static HashSet<string> AncestorsOf(IList<NodeProto> nodes, string tensor)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal) { tensor };
        for (int i = nodes.Count - 1; i >= 0; i--)
            if (nodes[i].Output.Any(needed.Contains))
                foreach (var source in nodes[i].Input) if (source.Length > 0) needed.Add(source);
        return needed;
    }
}
