using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace Fire.Engines.Onnx;

/// <summary>What every ONNX Runtime session of Fire shares: its options, its construction with an error that names the model, and tensors out as <see cref="FloatBatch"/>.</summary>
internal static class OrtSessions
{
    /// <param name="threads">Intra-op threads per call (0: ONNX Runtime's default, one per physical core). Inter-op work stays on the calling thread.</param>
    public static SessionOptions Options(int threads)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = Math.Max(0, threads),
            InterOpNumThreads = 1,
        };
        // One CPU arena for every session of the process: a layered model builds a session per piece it runs (heads and
        // tails at each candidate layer), and with an arena each they held 230 MiB more in a served guard's first minute.
        SharedArena.Register();
        options.AddSessionConfigEntry("session.use_env_allocators", "1");
        return options;
    }

    private static class SharedArena
    {
        private static readonly Lazy<bool> Registered = new(() =>
        {
            using var memory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCPU, OrtAllocatorType.ArenaAllocator, 0, OrtMemType.Default);
            using var arena = new OrtArenaCfg(0, -1, -1, -1);
            OrtEnv.Instance().CreateAndRegisterAllocator(memory, arena);
            return true;
        });

        public static void Register() => _ = Registered.Value;
    }

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
