using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace Fire.Engines.Onnx;

/// <summary>
/// An image classifier graph held in memory (an export, a hardened model) on ONNX Runtime's CPU provider, for its
/// logits and any other tensors it declares as outputs: what the export commands check their output with. No layer
/// access (that is <see cref="OnnxLayeredModel"/>). The session is built once; <see cref="Run"/> is thread-safe.
/// </summary>
public sealed class OnnxClassifier : IDisposable
{
    private readonly InferenceSession _session;

    /// <param name="source">Names the model in errors (its file, or what it was built from).</param>
    /// <param name="threads">ONNX Runtime's intra-op threads (0: its default, every core).</param>
    public OnnxClassifier(ModelProto model, string source, int threads = 1)
    {
        Source = source;
        using (var options = OrtSessions.Options(threads)) _session = OrtSessions.Create(model, options, source);
        var inputs = _session.InputMetadata.Keys.ToList();
        if (inputs.Count != 1)
        {
            _session.Dispose();
            throw new InvalidDataException($"'{source}' has {inputs.Count} inputs ({string.Join(", ", inputs)}); an image classifier takes one.");
        }
        InputName = inputs[0];
        OutputNames = _session.OutputMetadata.Keys.ToList();
    }

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
        using var input = OrtValue.CreateTensorValueFromMemory(images.Data, images.Shape.Select(d => (long)d).ToArray());
        using var options = new RunOptions();
        using var results = _session.Run(options, [InputName], [input], outputs);
        return outputs.Zip(results).ToDictionary(p => p.First, p => OrtSessions.ToBatch(p.Second));
    }

    public void Dispose() => _session.Dispose();
}
