using Fire.Attacks;
using Fire.Engines.Onnx;
using Fire.Engines.Torch;
using Fire.Engines.Torch.Export;
using Fire.Guard;
using Fire.Training;

namespace Fire.Evaluation.Models;

/// <summary>
/// The one way the commands open a model file: a Fire checkpoint (model.pt or its sidecar; architecture, normalisation,
/// classes, data set and attack come from the sidecar) or an ONNX file (*.onnx; run by ONNX Runtime, its normalisation
/// and class names given by <see cref="ModelInputOptions"/> or recorded in a guard).
/// </summary>
public static class ModelFiles
{
    public static bool IsOnnx(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    public static OpenedModel Open(string path, ModelInputOptions? options = null)
    {
        options ??= new ModelInputOptions();
        return IsOnnx(path) ? OpenOnnx(path, options) : OpenCheckpoint(path, options);
    }

    /// <summary>
    /// A model the guard at <paramref name="guardPath"/> was fitted for: an ONNX model takes the normalisation and class
    /// names the guard records unless <paramref name="options"/> gives them.
    /// </summary>
    public static OpenedModel OpenForGuard(string path, string guardPath, ModelInputOptions? options = null)
    {
        options ??= new ModelInputOptions();
        if (!IsOnnx(path) || options.GivesInput) return Open(path, options);
        var recorded = GuardModelInput.ReadFrom(guardPath);
        var model = new OnnxLayeredModel(path, recorded?.Normalization, options.Threads);
        return Onnx(path, model, recorded?.Normalization, recorded?.ClassNames);
    }

    private static OpenedModel OpenOnnx(string path, ModelInputOptions options)
    {
        var normalization = options.Normalization;
        var model = new OnnxLayeredModel(path, normalization, options.Threads);
        try
        {
            return Onnx(path, model, normalization, options.ReadClassNames(model.ClassCount));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static OpenedModel Onnx(string path, OnnxLayeredModel model, InputNormalization? normalization, IReadOnlyList<string>? classNames)
    {
        if (classNames is not null && classNames.Count != model.ClassCount)
            throw new InvalidDataException($"'{path}' has {model.ClassCount} classes but {classNames.Count} class names were given or recorded.");
        var names = classNames ?? Enumerable.Range(0, model.ClassCount).Select(i => i.ToString()).ToArray();
        return new OpenedModel(path, model, names, "ONNX model", guardInput: new GuardModelInput(normalization?.Mean, normalization?.Std, classNames));
    }

    private static OpenedModel OpenCheckpoint(string path, ModelInputOptions options)
    {
        if (options.GivesInput)
            throw new ArgumentException($"'{path}' is a Fire checkpoint: its sidecar records its normalisation and classes. Leave out --mean, --std and --classes (they are for .onnx models).");
        var (net, info) = Checkpoint.Load(path);
        bool keepNet = options.Engine == CheckpointEngine.TorchSharp;
        try
        {
            var attack = info.Attack is null ? null : BackdoorCheckpoint.LoadAttack(info, path);
            if (keepNet) return new OpenedModel(path, new TorchLayeredModel(net), info.ClassNames, info.Architecture, info, attack, owned: net);
            var onnx = new OnnxLayeredModel(ZooOnnxExport.Export(net), path, threads: options.Threads, layers: net.LayerNames);
            return new OpenedModel(path, onnx, info.ClassNames, $"{info.Architecture} on ONNX Runtime", info, attack);
        }
        catch
        {
            keepNet = false;
            throw;
        }
        finally
        {
            if (!keepNet) net.Dispose();
        }
    }
}
