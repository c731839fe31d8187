using Fire.Data;
using Fire.Defenses.LatentRepair;
using Fire.Models;
using Fire.Models.Layers;
using Fire.Training;
using Spectre.Console;

namespace Fire.Cli.Commands.GuardCommands;

/// <summary>A deployed checkpoint (any classifier Fire saved, backdoored or not) and the loose image files it is given.</summary>
internal sealed class GuardModel : IDisposable
{
    private GuardModel(string path, LayeredNet net, CheckpointInfo info)
    {
        Path = path;
        Info = info;
        Model = new TorchLayeredModel(net, ownsNet: true);
    }

    public string Path { get; }
    public CheckpointInfo Info { get; }
    public TorchLayeredModel Model { get; }

    public static GuardModel Load(string path)
    {
        var (net, info) = Checkpoint.Load(path);
        return new GuardModel(path, net, info);
    }

    /// <summary>"3 (stop)": a class as users read it.</summary>
    public string ClassName(int label) => label >= 0 && label < Info.ClassNames.Count ? $"{label} ({Info.ClassNames[label]})" : $"{label}";

    /// <summary>The images of files, folders or archives in the model's input shape; says how many were resized.</summary>
    public (ImageFileSet Files, FloatBatch Images) LoadImages(IAnsiConsole console, IReadOnlyList<string> sources, string role)
    {
        int[] shape = Info.InputShape;
        var files = ImageFiles.Load(sources, shape[0], shape[1], shape[2]);
        string resized = files.Resized == 0 ? "" : $", {files.Resized:N0} resized to {shape[1]}x{shape[2]}";
        console.MarkupLineInterpolated($"[grey]{role}: {files.Count:N0} images from {string.Join(", ", sources)}{resized}.[/]");
        return (files, ImageBatches.From(files));
    }

    public void Dispose() => Model.Dispose();
}
