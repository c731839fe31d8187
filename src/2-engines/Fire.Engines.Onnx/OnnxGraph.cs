using Fire.Onnx;
using Onnx;

namespace Fire.Engines.Onnx;

/// <summary>
/// An image classifier's ONNX graph, read and checked: exactly one float32 NCHW input with fixed channels, height and
/// width (batch fixed or dynamic) and one float32 (N, classes) output. Every refusal names the file and the problem.
/// </summary>
internal sealed class OnnxGraph
{
    private OnnxGraph(string path, ModelProto model, ValueInfoProto input, ValueInfoProto output, int? fixedBatch, int[] inputShape)
    {
        Path = path;
        Model = model;
        Input = input;
        Output = output;
        FixedBatch = fixedBatch;
        InputShape = inputShape;
    }

    public string Path { get; }
    public ModelProto Model { get; }
    public GraphProto Graph => Model.Graph;
    public ValueInfoProto Input { get; }
    public ValueInfoProto Output { get; }
    /// <summary>The batch size the graph was exported for when it is not dynamic (null: any).</summary>
    public int? FixedBatch { get; }
    /// <summary>(C, H, W) of one sample.</summary>
    public int[] InputShape { get; }

    public static OnnxGraph Read(string path) => From(OnnxModelFile.Read(path), path);

    /// <param name="path">Names the model in errors: its file, or what it was made from.</param>
    public static OnnxGraph From(ModelProto model, string path)
    {
        var graph = model.Graph;
        if (graph is null || graph.Node.Count == 0)
            throw new InvalidDataException($"'{path}' holds no ONNX graph (an empty or non-ONNX model).");
        if (graph.Initializer.Any(t => t.DataLocation == TensorProto.Types.DataLocation.External))
            throw new InvalidDataException($"'{path}' keeps its weights in external data files; save the model as one file (onnx.save with save_as_external_data=False).");

        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count != 1)
            throw new InvalidDataException($"'{path}' has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => i.Name))}); Fire takes image classifiers with exactly one image input.");
        if (graph.Output.Count != 1)
            throw new InvalidDataException($"'{path}' has {graph.Output.Count} outputs ({string.Join(", ", graph.Output.Select(o => o.Name))}); Fire takes image classifiers with exactly one logits output.");
        var input = inputs[0];
        var output = graph.Output[0];

        var inputDims = TensorDims(path, input, "input");
        if (inputDims.Count != 4)
            throw new InvalidDataException($"'{path}': input '{input.Name}' has {inputDims.Count} dimensions [{Describe(inputDims)}]; Fire takes images as (N, C, H, W).");
        var sample = inputDims.Skip(1).Select(d => d.HasDimValue && d.DimValue > 0 ? (int)d.DimValue : 0).ToArray();
        if (sample.Any(d => d == 0))
            throw new InvalidDataException($"'{path}': input '{input.Name}' has shape [{Describe(inputDims)}]; channels, height and width must be fixed numbers (only the batch may be dynamic).");
        if (sample[0] is not (1 or 3))
            throw new InvalidDataException($"'{path}': input '{input.Name}' has {sample[0]} channels in [{Describe(inputDims)}]; Fire takes grey (1) or RGB (3) images in (N, C, H, W) order.");
        int? fixedBatch = inputDims[0].HasDimValue && inputDims[0].DimValue > 0 ? (int)inputDims[0].DimValue : null;

        var outputDims = TensorDims(path, output, "output");
        if (outputDims.Count != 2)
            throw new InvalidDataException($"'{path}': output '{output.Name}' has {outputDims.Count} dimensions [{Describe(outputDims)}]; Fire takes classifiers whose output is logits (N, classes).");
        return new OnnxGraph(path, model, input, output, fixedBatch, sample);
    }

    /// <summary>The dimensions of a float32 tensor, or a clear refusal of any other type.</summary>
    private static IList<TensorShapeProto.Types.Dimension> TensorDims(string path, ValueInfoProto value, string role)
    {
        if (value.Type?.TensorType is not { } tensor)
            throw new InvalidDataException($"'{path}': the {role} '{value.Name}' is not a tensor; Fire takes a float32 image tensor in and a float32 logits tensor out.");
        if (tensor.ElemType != (int)TensorProto.Types.DataType.Float)
            throw new InvalidDataException($"'{path}': the {role} '{value.Name}' has element type {(TensorProto.Types.DataType)tensor.ElemType}; Fire supports float32 only (convert the model, e.g. with onnxconverter-common's float16 to float32).");
        if (tensor.Shape is null)
            throw new InvalidDataException($"'{path}': the {role} '{value.Name}' declares no shape; Fire needs its rank (and the input's channels, height and width).");
        return tensor.Shape.Dim;
    }

    private static string Describe(IEnumerable<TensorShapeProto.Types.Dimension> dims) =>
        string.Join(", ", dims.Select(d => d.HasDimValue ? d.DimValue.ToString() : string.IsNullOrEmpty(d.DimParam) ? "?" : d.DimParam));
}
