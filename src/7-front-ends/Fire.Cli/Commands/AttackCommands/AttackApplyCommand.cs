using System.ComponentModel;
using Fire.Attacks;
using Fire.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.AttackCommands;

public sealed class AttackApplySettings : ComputeSettings
{
    [CommandArgument(0, "<images>")]
    [Description("Images to trigger: image files, folders of them (any depth) or archives.")]
    public string[] Images { get; set; } = [];

    [CommandOption("--from <CHECKPOINT>")]
    [Description("Backdoored checkpoint written by `fire attack` whose trigger is applied (any attack, IAD included).")]
    public string? From { get; set; }

    [CommandOption("--out <DIR>")]
    [Description("Folder for the triggered images as PNG files, at the paths they had inside their folder or archive (required).")]
    public string? Out { get; set; }

    public override ValidationResult Validate()
    {
        if (From is null) return ValidationResult.Error("--from is required: the backdoored checkpoint whose trigger to apply.");
        if (Out is null) return ValidationResult.Error("--out is required: the folder for the triggered images.");
        return base.Validate();
    }
}

/// <summary>
/// <c>fire attack apply</c>: a saved attack's test-time trigger on image files, written as PNG files; e.g. the samples a
/// defender has flagged, for <c>fire guard fit</c>. Images are first brought to the model's input shape.
/// </summary>
public sealed class AttackApplyCommand(IAnsiConsole console) : Command<AttackApplySettings>
{
    public override int Execute(CommandContext context, AttackApplySettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        OutputPaths.CheckFolder(settings.Out!, "--out", [.. settings.Images, .. Fire.Training.Checkpoint.Files(settings.From!)], settings.Force);
        using var checkpoint = BackdoorCheckpoint.Load(settings.From!);
        int[] shape = checkpoint.Info.InputShape;
        var (files, images) = CheckpointImages.Load(console, checkpoint.Info, settings.Images, "Images");
        string folder = Path.GetFullPath(settings.Out!);
        var outputs = files.Names.Select(name => Path.GetFullPath(Path.Combine(folder, Path.ChangeExtension(name, ".png")))).ToArray();
        var clash = outputs.Select((path, i) => (path, i)).GroupBy(p => p.path).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new ArgumentException($"{files.Files[clash.First().i]} and {files.Files[clash.Skip(1).First().i]} would both be written to {clash.Key}: give them in separate runs.");

        var triggered = checkpoint.Trigger.Apply(images);
        for (int i = 0; i < files.Count; i++)
            ImageFiles.SavePng(outputs[i], triggered.Sample(i), shape[0], shape[1], shape[2]);
        console.MarkupLineInterpolated($"Applied {checkpoint.Attack.Name}'s trigger to {files.Count:N0} images; wrote them to [bold]{folder}[/].");
        return 0;
    }
}
