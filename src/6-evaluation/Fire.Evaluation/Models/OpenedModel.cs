using Fire.Attacks;
using Fire.Data;
using Fire.Guard;
using Fire.Training;

namespace Fire.Evaluation.Models;

/// <summary>
/// A model as the commands use it, whatever file it came from: the layered model, its class names, the data set and
/// attack its file records (a Fire checkpoint's sidecar; an ONNX file records neither), and, for an ONNX model, what to
/// record in a guard (<see cref="GuardModelInput"/>).
/// </summary>
public sealed class OpenedModel : IDisposable
{
    private readonly IDisposable? _owned;

    internal OpenedModel(string path, ILayeredModel model, IReadOnlyList<string> classNames, string description,
        CheckpointInfo? info = null, BackdoorAttack? attack = null, GuardModelInput? guardInput = null, IDisposable? owned = null)
    {
        Path = path;
        Model = model;
        ClassNames = classNames;
        Description = description;
        Info = info;
        Attack = attack;
        GuardInput = guardInput;
        _owned = owned;
    }

    public string Path { get; }
    public ILayeredModel Model { get; }
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>"resnet20", or "ONNX model" for a graph from outside.</summary>
    public string Description { get; }
    /// <summary>A Fire checkpoint's sidecar; null for an ONNX file.</summary>
    public CheckpointInfo? Info { get; }
    /// <summary>The attack a backdoored Fire checkpoint records; null otherwise.</summary>
    public BackdoorAttack? Attack { get; }
    /// <summary>For an ONNX model: its normalisation and class names, to record in a guard; null for a checkpoint.</summary>
    public GuardModelInput? GuardInput { get; }
    public bool IsOnnx => Info is null;
    /// <summary>The data set the file records (a checkpoint's), or null.</summary>
    public string? Dataset => Info?.Dataset;
    public int[] InputShape => Model.InputShape;
    public int ClassCount => Model.ClassCount;

    /// <summary>"3 (stop)": a class as users read it.</summary>
    public string ClassName(int label) => label >= 0 && label < ClassNames.Count && ClassNames[label] != label.ToString() ? $"{label} ({ClassNames[label]})" : $"{label}";

    /// <summary>How to load a data set for this model: at its input size.</summary>
    public DataLoadOptions DataOptions()
    {
        int[] shape = InputShape;
        if (shape[1] != shape[2])
            throw new ArgumentException($"'{Path}' takes {shape[1]}x{shape[2]} images; Fire's data sets load square images only. Give images as files instead.");
        return new DataLoadOptions { ImageSize = shape[1] };
    }

    /// <summary>Throws unless <paramref name="data"/> fits the model: its image shape, and its classes (names for a checkpoint, the count for ONNX).</summary>
    public void CheckData(ImageDataset data)
    {
        if (Info is not null)
        {
            Info.CheckData(data, Path);
            return;
        }
        if (!InputShape.SequenceEqual([data.Channels, data.Height, data.Width]) || data.ClassCount != ClassCount)
            throw new InvalidDataException($"'{Path}' takes {string.Join("x", InputShape)} images in {ClassCount} classes; data set '{data.Name}' has " +
                                           $"{data.Channels}x{data.Height}x{data.Width} images in {data.ClassCount} classes.");
    }

    public void Dispose()
    {
        Model.Dispose();
        _owned?.Dispose();
    }
}
