namespace Fire.Evaluation.Models;

/// <summary>Which engine runs a Fire checkpoint: TorchSharp, which trained it, or ONNX Runtime on its export.</summary>
public enum CheckpointEngine
{
    TorchSharp,
    /// <summary>The checkpoint exported to ONNX in memory (<c>fire export onnx</c>'s graph, normalisation inside) and run by
    /// ONNX Runtime, with the checkpoint's layer names: 3-5 times faster here for inference (docs/onnx.md).</summary>
    OnnxRuntime,
}

/// <summary>
/// What a model from outside Fire (an ONNX file, no sidecar) needs to be opened: the normalisation its graph expects
/// outside it (none when both are null), a class-names file (one name per line; null: the class numbers) and the ONNX
/// Runtime threads per call (0: its default). Fire's checkpoints record the first two in their sidecar; for them,
/// <paramref name="Engine"/> picks the engine.
/// </summary>
public sealed record ModelInputOptions(float[]? Mean = null, float[]? Std = null, string? ClassesFile = null, int Threads = 0,
    CheckpointEngine Engine = CheckpointEngine.TorchSharp)
{
    public bool GivesInput => Mean is not null || Std is not null || ClassesFile is not null;

    /// <summary>The normalisation: both mean and std, or neither.</summary>
    public InputNormalization? Normalization => (Mean, Std) switch
    {
        (null, null) => null,
        ({ } mean, { } std) => new InputNormalization(mean, std),
        (null, _) => throw new ArgumentException("--std was given without --mean: give both (one value per channel), or neither when the model normalises its input itself."),
        (_, null) => throw new ArgumentException("--mean was given without --std: give both (one value per channel), or neither when the model normalises its input itself."),
    };

    /// <summary>Class names from <see cref="ClassesFile"/>: one per non-empty line, as many as the model has classes.</summary>
    public IReadOnlyList<string>? ReadClassNames(int classCount)
    {
        if (ClassesFile is null) return null;
        if (!File.Exists(ClassesFile)) throw new FileNotFoundException($"--classes: no file at '{ClassesFile}'.", ClassesFile);
        var names = File.ReadAllLines(ClassesFile).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (names.Length != classCount)
            throw new InvalidDataException($"--classes: '{ClassesFile}' names {names.Length} classes (one per non-empty line) but the model has {classCount}.");
        return names;
    }
}
