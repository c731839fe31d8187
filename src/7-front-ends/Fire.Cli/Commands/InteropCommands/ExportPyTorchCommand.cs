using System.ComponentModel;
using Fire.Engines.Torch.Interop;
using Fire.Training.Interop;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.InteropCommands;

public sealed class ExportPyTorchSettings : CommandSettings
{
    [CommandArgument(0, "<checkpoint>")]
    [Description("Fire checkpoint to export (model.pt or its sidecar model.pt.json).")]
    public string Checkpoint { get; set; } = "";

    [CommandOption("--out <FILE>")]
    [Description("The state dict to write, under the architecture's published names.")]
    public string? Out { get; set; }

    [CommandOption("--format <FORMAT>")]
    [Description("pt (torch.load's zip format) or safetensors (default: safetensors for a .safetensors file name, else pt).")]
    public string? Format { get; set; }

    public override ValidationResult Validate()
    {
        if (Out is null) return ValidationResult.Error("--out is required: the file to write.");
        if (Format is not (null or "pt" or "safetensors")) return ValidationResult.Error($"--format must be pt or safetensors, got '{Format}'.");
        return base.Validate();
    }
}

/// <summary><c>fire export pytorch</c>: a Fire checkpoint as a PyTorch state dict with the published module names.</summary>
public sealed class ExportPyTorchCommand(IAnsiConsole console) : Command<ExportPyTorchSettings>
{
    public override int Execute(CommandContext context, ExportPyTorchSettings settings, CancellationToken cancellation)
    {
        var format = settings.Format switch
        {
            "pt" => PyTorchExportFormat.Pt,
            "safetensors" => PyTorchExportFormat.Safetensors,
            _ => PyTorchFileWriter.FormatFor(settings.Out!),
        };
        var info = ModelExport.Export(settings.Checkpoint, settings.Out!, format);
        console.MarkupLineInterpolated(
            $"Wrote [bold]{Path.GetFullPath(settings.Out!)}[/] ({format.ToString().ToLowerInvariant()}): {info.Architecture} for {string.Join("x", info.InputShape)} images in {info.ClassNames.Count} classes, with {PublishedLayout.For(info.Architecture).Description}.");
        console.MarkupLineInterpolated(
            $"In PyTorch, normalise the [[0, 1]] images first: mean = [[{string.Join(", ", info.Normalization.Mean)}]], std = [[{string.Join(", ", info.Normalization.Std)}]] (Fire's model did this inside).");
        return 0;
    }
}
