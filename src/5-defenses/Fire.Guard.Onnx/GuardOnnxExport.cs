using Fire.Onnx;
using Onnx;

namespace Fire.Guard.Onnx;

/// <summary>
/// Writes a guard's <see cref="RepairPlan"/> into an ONNX classifier as standard operators, so the hardened model runs
/// wherever ONNX runs, without Fire. At each repaired layer the producing node's output is renamed and the repair
/// reads it and writes the original name, so every consumer (and a graph output of that name) gets the repaired
/// tensor, and the graph keeps its input and output names. Per row h (flattened to D values, unit direction u):
/// score s = h·u - &lt;mu, u&gt; (MatMul, Sub); translate h - alpha·beta; projection h - alpha·max(0, s - m)·u (Relu);
/// gated modes keep h where not (s &gt; tau) (Greater, Where): the arithmetic of <see cref="LayerRepair.Repair"/>.
/// Direction, alpha, the clean mean score m, &lt;mu, u&gt; and tau are initializers named fire/LAYER/....
/// </summary>
public static class GuardOnnxExport
{
    /// <summary>Where is opset 9; older graphs are refused rather than upgraded (an upgrade could change their own operators).</summary>
    public const long MinimumOpset = 9;

    /// <summary>A hardened copy of <paramref name="model"/>; <paramref name="source"/> names the model in errors.</summary>
    public static ModelProto Harden(ModelProto model, RepairPlan plan, string source)
    {
        if (plan.IsEmpty)
            throw new ArgumentException($"The guard repairs nothing (no poisoned samples observed yet): there is nothing to write into '{source}'. Observe flagged images first.");
        long opset = OnnxModelFile.DefaultOpset(model);
        if (opset < MinimumOpset)
            throw new InvalidDataException($"'{source}' imports ONNX opset {opset}; the repair needs {MinimumOpset} or newer. Re-export the model with a newer opset.");
        var hardened = model.Clone();
        foreach (var repair in plan.Repairs) Splice(hardened.Graph, repair, source);
        return hardened;
    }

    private static void Splice(GraphProto graph, LayerRepair repair, string source)
    {
        var location = OnnxLayerLocation.Find(graph, repair.Layer, source);
        int dimension = repair.Direction.Dimension;
        if (location.SampleSize is { } size && size != dimension)
            throw new InvalidDataException($"'{source}': layer '{repair.Layer}' holds {size} values per image, the guard's direction {dimension}: the guard was fitted for another model.");

        var builder = new OnnxGraphBuilder(graph, insertAt: location.NodeIndex + 1);
        string prefix = $"fire/{repair.Layer}";
        string raw = builder.UniqueName($"{prefix}/unrepaired");
        graph.Node[location.NodeIndex].Output[location.OutputIndex] = raw;

        string shape = builder.Node("Shape", $"{prefix}/shape", [raw]);
        string flat = builder.Node("Flatten", $"{prefix}/flatten", [raw], attributes: OnnxGraphBuilder.Int("axis", 1));
        string alpha = builder.Scalar($"{prefix}/alpha", repair.Alpha);
        bool gated = RepairModes.IsGated(repair.Mode);
        bool translate = repair.Mode is RepairMode.Translate or RepairMode.GatedTranslate;
        string? unit = null, score = null;
        if (gated || !translate)
        {
            unit = builder.Floats($"{prefix}/unit", repair.Direction.Unit, dimension, 1);
            string dot = builder.Node("MatMul", $"{prefix}/dot", [flat, unit]);
            score = builder.Node("Sub", $"{prefix}/score", [dot, builder.Scalar($"{prefix}/clean_mean_score", repair.Direction.CleanMeanScore)]);
        }

        string repaired;
        if (translate)
        {
            string beta = builder.Floats($"{prefix}/beta", repair.Direction.Beta, 1, dimension);
            string shift = builder.Node("Mul", $"{prefix}/shift", [alpha, beta]);
            repaired = builder.Node("Sub", $"{prefix}/translate", [flat, shift]);
        }
        else
        {
            string excess = builder.Node("Sub", $"{prefix}/excess", [score!, builder.Scalar($"{prefix}/clean_score_mean", repair.CleanScores.Mean)]);
            string positive = builder.Node("Relu", $"{prefix}/excess_above_clean", [excess]);
            string coefficient = builder.Node("Mul", $"{prefix}/coefficient", [positive, alpha]);
            string unitRow = builder.Node("Transpose", $"{prefix}/unit_row", [unit!]);
            string shift = builder.Node("Mul", $"{prefix}/shift", [coefficient, unitRow]);
            repaired = builder.Node("Sub", $"{prefix}/project", [flat, shift]);
        }
        if (gated)
        {
            string gate = builder.Node("Greater", $"{prefix}/gate", [score!, builder.Scalar($"{prefix}/threshold", repair.CleanScores.Threshold)]);
            repaired = builder.Node("Where", $"{prefix}/gated", [gate, repaired, flat]);
        }
        builder.Node("Reshape", $"{prefix}/repaired", [repaired, shape], output: location.Tensor);
    }
}
