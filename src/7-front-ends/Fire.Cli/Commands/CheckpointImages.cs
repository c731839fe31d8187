using Fire.Data;
using Spectre.Console;

namespace Fire.Cli.Commands;

/// <summary>Loose image files brought to a model's input shape, for the commands that take image files.</summary>
internal static class CheckpointImages
{
    /// <summary>The images of files, folders or archives in <paramref name="shape"/> (C, H, W); a grey line says how many and how many were resized.</summary>
    public static (ImageFileSet Files, FloatBatch Images) Load(IAnsiConsole console, int[] shape, IReadOnlyList<string> sources, string role)
    {
        var files = ImageFiles.Load(sources, shape[0], shape[1], shape[2]);
        string resized = files.Resized == 0 ? "" : $", {files.Resized:N0} resized to {shape[1]}x{shape[2]} (antialiased bilinear)";
        console.MarkupLineInterpolated($"[grey]{role}: {files.Count:N0} images from {string.Join(", ", sources)}{resized}.[/]");
        return (files, ImageBatches.From(files));
    }
}
