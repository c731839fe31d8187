using Google.Protobuf;
using Onnx;

namespace Fire.Onnx;

/// <summary>Reading and writing ONNX model files (protobuf <see cref="ModelProto"/>), with errors that name the file.</summary>
public static class OnnxModelFile
{
    /// <summary>Whether a path names an ONNX model file (by its extension: what an existing output may be replaced by).</summary>
    public static bool IsOnnxPath(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>The default-domain opset the graphs Fire writes declare.</summary>
    public const long Opset = 13;

    public static ModelProto Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No ONNX model at '{path}'.", path);
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"'{path}' is not a readable ONNX model (truncated or not ONNX): {e.Message}");
        }
        if (model.Graph is null || model.Graph.Node.Count == 0)
            throw new InvalidDataException($"'{path}' holds no ONNX graph (an empty or non-ONNX file).");
        return model;
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> in one atomic step (see <see cref="AtomicFile"/>).</summary>
    public static void Write(ModelProto model, string path) => AtomicFile.Write(path, stream => model.WriteTo(stream));

    /// <summary>The version of the default ("" or "ai.onnx") operator set the model imports; 0 when it imports none.</summary>
    public static long DefaultOpset(ModelProto model) =>
        model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();

    /// <summary>A new model around <paramref name="graph"/>: IR version 8 (ONNX Runtime 1.14 and later), opset <see cref="Opset"/>.</summary>
    public static ModelProto NewModel(GraphProto graph, string producer)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = producer, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model;
    }

    /// <summary>A float32 tensor value; <c>null</c> dimensions are symbolic (named <paramref name="batchName"/>: the batch).</summary>
    public static ValueInfoProto FloatTensor(string name, IEnumerable<long?> dims, string batchName = "batch")
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
            shape.Dim.Add(dim is { } value ? new TensorShapeProto.Types.Dimension { DimValue = value } : new TensorShapeProto.Types.Dimension { DimParam = batchName });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
