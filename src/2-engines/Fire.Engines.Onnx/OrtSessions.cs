using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace Fire.Engines.Onnx;

/// <summary>What every ONNX Runtime session of Fire shares: its options, its construction with an error that names the model, and tensors out as <see cref="FloatBatch"/>.</summary>
internal static class OrtSessions
{
    /// <param name="threads">Intra-op threads per call (0: ONNX Runtime's default, one per physical core). Inter-op work stays on the calling thread.</param>
    public static SessionOptions Options(int threads) => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        IntraOpNumThreads = Math.Max(0, threads),
        InterOpNumThreads = 1,
    };

    /// <param name="source">Names the model in the error (its file, or what it was built from).</param>
    public static InferenceSession Create(ModelProto model, SessionOptions options, string source)
    {
        try
        {
            return new InferenceSession(model.ToByteArray(), options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"'{source}': ONNX Runtime cannot load the model: {e.Message}");
        }
    }

    public static int[] Shape(OrtValue value) => value.GetTensorTypeAndShape().Shape.Select(d => (int)d).ToArray();

    /// <summary>A copy of a float32 tensor's values, in its shape.</summary>
    public static FloatBatch ToBatch(OrtValue value) => new(value.GetTensorDataAsSpan<float>().ToArray(), Shape(value));
}
