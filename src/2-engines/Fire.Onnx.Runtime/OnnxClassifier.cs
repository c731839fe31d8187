using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Fire.Onnx.Runtime;

/// <summary>
/// An image classifier graph on ONNX Runtime's CPU provider: one float32 NCHW input, logits out, and optionally any
/// other tensors the graph declares as outputs. The session is built once; <see cref="Run"/> may be called from several
/// threads at once (ONNX Runtime's <c>Run</c> is thread-safe).
/// </summary>
public sealed class OnnxClassifier : IDisposable
{
    private readonly InferenceSession _session;

    /// <param name="source">Names the model in errors (its file, or what it was built from).</param>
    /// <param name="threads">ONNX Runtime's intra-op threads (0: its default, every core).</param>
    public OnnxClassifier(ModelProto model, string source, int threads = 1)
    {
        Source = source;
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        try
        {
            _session = new InferenceSession(model.ToByteArray(), options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"ONNX Runtime refuses the model from '{source}': {e.Message}");
        }
        if (_session.InputMetadata.Count != 1)
            throw new InvalidDataException($"'{source}' has {_session.InputMetadata.Count} inputs ({string.Join(", ", _session.InputMetadata.Keys)}); an image classifier takes one.");
        InputName = _session.InputMetadata.Keys.Single();
        OutputNames = _session.OutputMetadata.Keys.ToList();
    }

    public static OnnxClassifier Open(string path, int threads = 1) => new(OnnxModelFile.Read(path), path, threads);

    public string Source { get; }
    public string InputName { get; }
    /// <summary>The graph's outputs in declaration order; the first is the logits.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>The first output (the logits) for <paramref name="images"/> (N, C, H, W).</summary>
    public FloatBatch Logits(FloatBatch images) => Run(images, OutputNames[0])[OutputNames[0]];

    /// <summary>The named outputs for <paramref name="images"/>, each as a batch of its shape.</summary>
    public IReadOnlyDictionary<string, FloatBatch> Run(FloatBatch images, params string[] outputs)
    {
        foreach (var name in outputs)
            if (!OutputNames.Contains(name))
                throw new ArgumentException($"'{Source}' has no output '{name}'. Its outputs: {string.Join(", ", OutputNames)}.");
        var input = new DenseTensor<float>(images.Data, images.Shape);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(InputName, input)], outputs);
        return results.ToDictionary(r => r.Name, r =>
        {
            var tensor = r.AsTensor<float>();
            return new FloatBatch(tensor.ToArray(), tensor.Dimensions.ToArray());
        });
    }

    public void Dispose() => _session.Dispose();
}
