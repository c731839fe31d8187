using Fire.Data;
using Fire.Guard;
using Fire.Training;
using Spectre.Console;

namespace Fire.Cli.Commands;

/// <summary>Loose image files brought to a checkpoint's input shape, for the commands that take image files.</summary>
internal static class CheckpointImages
{
    /// <summary>The images of files, folders or archives in the model's input shape; a grey line says how many and how many were resized.</summary>
    public static (ImageFileSet Files, FloatBatch Images) Load(IAnsiConsole console, CheckpointInfo info, IReadOnlyList<string> sources, string role)
    {
        int[] shape = info.InputShape;
        var files = ImageFiles.Load(sources, shape[0], shape[1], shape[2]);
        string resized = files.Resized == 0 ? "" : $", {files.Resized:N0} resized to {shape[1]}x{shape[2]}";
        console.MarkupLineInterpolated($"[grey]{role}: {files.Count:N0} images from {string.Join(", ", sources)}{resized}.[/]");
        return (files, ImageBatches.From(files));
    }
}
