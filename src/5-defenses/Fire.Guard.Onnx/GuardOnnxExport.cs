using Fire.Onnx;
using Onnx;

namespace Fire.Guard.Onnx;

/// <summary>
/// Writes a guard's <see cref="RepairPlan"/> into an ONNX classifier as standard operators, so the hardened model runs
/// wherever ONNX runs, without Fire. At each repaired layer the producing node's output is renamed and the repair
/// reads it and writes the original name, so every consumer (and a graph output of that name) gets the repaired
/// tensor, and the graph keeps its input and output names. Per row h (flattened to D values, unit direction u):
/// score s = h·u - &lt;mu, u&gt;; translate h - alpha·beta; projection h - max(0, s - m)·(alpha·u); gated modes repair only
/// where s &gt; tau: the arithmetic of <see cref="LayerRepair.Repair"/>. Constants are folded when the graph is written
/// (s &gt; tau is h·u &gt; tau + &lt;mu, u&gt;; alpha·beta and alpha·u are initializers). Every mode but ungated translation
/// ends in one Gemm, h - c·v for a per-row coefficient c (N x 1) and a row v (1 x D), so the only passes over the whole
/// activation are that Gemm and the MatMul that scores it; a row with c = 0 comes out unchanged, bit for bit.
/// Initializers are named fire/LAYER/....
/// </summary>
public static class GuardOnnxExport
{
    /// <summary>Where is opset 9; older graphs are refused rather than upgraded (an upgrade could change their own operators).</summary>
    public const long MinimumOpset = 9;

    /// <summary>A hardened copy of <paramref name="model"/>; <paramref name="source"/> names the model in errors.</summary>
    /// <param name="layers">The model's layers as its engine describes them (<see cref="ILayeredModel.DescribeLayers"/>):
    /// the shape of a repaired layer that the graph does not declare (PyTorch's exports declare none). With it the
    /// repaired tensor gets a constant shape, so ONNX Runtime still knows every shape after it and keeps its layout and
    /// fusion optimisations there; without it the shape is read at run time.</param>
    public static ModelProto Harden(ModelProto model, RepairPlan plan, string source, IReadOnlyList<LayerInfo>? layers = null)
    {
        if (plan.IsEmpty)
            throw new ArgumentException($"The guard repairs nothing (no poisoned samples observed yet): there is nothing to write into '{source}'. Observe flagged images first.");
        long opset = OnnxModelFile.DefaultOpset(model);
        if (opset < MinimumOpset)
            throw new InvalidDataException($"'{source}' imports ONNX opset {opset}; the repair needs {MinimumOpset} or newer. Re-export the model with a newer opset.");
        var hardened = model.Clone();
        foreach (var repair in plan.Repairs)
            Splice(hardened.Graph, repair, source, layers?.FirstOrDefault(l => l.Name == repair.Layer)?.ActivationShape);
        return hardened;
    }

    private static void Splice(GraphProto graph, LayerRepair repair, string source, int[]? engineShape)
    {
        var location = OnnxLayerLocation.Find(graph, repair.Layer, source);
        int dimension = repair.Direction.Dimension;
        var sampleShape = location.SampleShape ?? engineShape?.Select(d => (long)d).ToArray();
        if (sampleShape?.Aggregate(1L, (a, d) => a * d) is { } size && size != dimension)
            throw new InvalidDataException($"'{source}': layer '{repair.Layer}' holds {size} values per image, the guard's direction {dimension}: the guard was fitted for another model.");

        var builder = new OnnxGraphBuilder(graph, insertAt: location.NodeIndex + 1);
        string prefix = $"fire/{repair.Layer}";
        string raw = builder.UniqueName($"{prefix}/unrepaired");
        graph.Node[location.NodeIndex].Output[location.OutputIndex] = raw;

        // The shape to restore: a constant where the sample shape is known, else read at run time.
        string shape = sampleShape is { } known
            ? builder.Int64s($"{prefix}/shape", [-1, .. known], known.Length + 1)
            : builder.Node("Shape", $"{prefix}/shape", [raw]);
        string flat = builder.Node("Flatten", $"{prefix}/flatten", [raw], attributes: OnnxGraphBuilder.Int("axis", 1));
        bool gated = RepairModes.IsGated(repair.Mode);
        bool translate = repair.Mode is RepairMode.Translate or RepairMode.GatedTranslate;
        var direction = repair.Direction;
        // Scores are compared and offset as h·u against constants folded here (s > tau  <=>  h·u > tau + <mu, u>), so a
        // repair costs as few nodes as it can: at batch 1 each node's dispatch, not its arithmetic, is what a repair costs.
        string? dot = gated || !translate ? builder.Node("MatMul", $"{prefix}/dot", [flat, builder.Floats($"{prefix}/unit", direction.Unit, dimension, 1)]) : null;
        string? gate = gated
            ? builder.Node("Greater", $"{prefix}/gate", [dot!, builder.Scalar($"{prefix}/threshold_dot", repair.CleanScores.Threshold + direction.CleanMeanScore)])
            : null;

        // Per row: h - c·v, with a coefficient c (N x 1) and a row v (1 x D); translate without a gate subtracts v from every row.
        string repaired;
        if (translate)
        {
            string row = builder.Floats($"{prefix}/shift", Scaled(direction.Beta, repair.Alpha), 1, dimension);
            repaired = gated
                ? Subtract(builder, prefix, builder.Node("Cast", $"{prefix}/gate_as_float", [gate!], attributes: OnnxGraphBuilder.Int("to", (long)TensorProto.Types.DataType.Float)), row, flat)
                : builder.Node("Sub", $"{prefix}/repair", [flat, row]);
        }
        else
        {
            float cleanLevel = repair.CleanScores.Mean;
            string excess = builder.Node("Sub", $"{prefix}/excess", [dot!, builder.Scalar($"{prefix}/clean_level_dot", cleanLevel + direction.CleanMeanScore)]);
            // Past a gate at or above the clean level the excess is positive already; below it the Relu still clips.
            string coefficient = gated && repair.CleanScores.Threshold > cleanLevel
                ? excess
                : builder.Node("Relu", $"{prefix}/excess_above_clean", [excess]);
            if (gated) coefficient = builder.Node("Where", $"{prefix}/gated", [gate!, coefficient, builder.Scalar($"{prefix}/zero", 0f)]);
            repaired = Subtract(builder, prefix, coefficient, builder.Floats($"{prefix}/step", Scaled(direction.Unit, repair.Alpha), 1, dimension), flat);
        }
        builder.Node("Reshape", $"{prefix}/repaired", [repaired, shape], output: location.Tensor);
    }

    private static float[] Scaled(IReadOnlyList<float> values, float factor) => values.Select(v => factor * v).ToArray();

    /// <summary>h - c·v as one Gemm: -1 * (c x v) + 1 * h.</summary>
    private static string Subtract(OnnxGraphBuilder builder, string prefix, string coefficient, string row, string flat) =>
        builder.Node("Gemm", $"{prefix}/repair", [coefficient, row, flat], attributes: [OnnxGraphBuilder.Float("alpha", -1f), OnnxGraphBuilder.Float("beta", 1f)]);
}
