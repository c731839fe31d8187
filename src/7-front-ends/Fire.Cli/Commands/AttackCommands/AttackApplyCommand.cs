using System.ComponentModel;
using Fire.Attacks;
using Fire.Data;
using Fire.Evaluation.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.AttackCommands;

public sealed class AttackApplySettings : AttackParameterSettings
{
    [CommandArgument(0, "<images>")]
    [Description("Images to trigger: image files, folders of them (any depth) or archives.")]
    public string[] Images { get; set; } = [];

    [CommandOption("--from <CHECKPOINT>")]
    [Description("Backdoored checkpoint written by `fire attack` whose trigger is applied (any attack, IAD included). Or give --attack and its options.")]
    public string? From { get; set; }

    [CommandOption("--attack <NAME>")]
    [Description("Without --from: the attack whose test-time trigger is applied, configured by its options (e.g. --attack blended --blend-image p.png --alpha 0.2). IAD needs --from (its trigger is a trained network).")]
    public string? Attack { get; set; }

    [CommandOption("--model <MODEL>")]
    [Description("Without --from: a model (checkpoint or .onnx file) whose input shape the images are brought to (default: --input).")]
    public string? Model { get; set; }

    [CommandOption("--input <CxHxW>")]
    [Description("Without --from or --model: the image shape the images are brought to, e.g. 3x32x32.")]
    public string? Input { get; set; }

    [CommandOption("--out <DIR>")]
    [Description("Folder for the triggered images as PNG files, at the paths they had inside their folder or archive (required).")]
    public string? Out { get; set; }

    public override ValidationResult Validate()
    {
        if (From is null && Attack is null) return ValidationResult.Error("Give --from (a backdoored checkpoint) or --attack with its options: the trigger to apply.");
        if (From is not null && (Attack ?? Model ?? Input) is not null) return ValidationResult.Error("--from fixes the attack and the image shape: leave out --attack, --model and --input.");
        if (From is null && Model is null && Input is null) return ValidationResult.Error("With --attack, give --model or --input: the image shape the trigger is made for.");
        if (Model is not null && Input is not null) return ValidationResult.Error("Give --model or --input, not both.");
        if (Out is null) return ValidationResult.Error("--out is required: the folder for the triggered images.");
        return base.Validate();
    }
}

/// <summary>
/// <c>fire attack apply</c>: a test-time trigger on image files, written as PNG files; e.g. the samples a defender has
/// flagged, for <c>fire guard fit</c>. The trigger is a saved attack's (--from) or one made from attack options alone,
/// so a user can make triggered images for any model. Images are first brought to the model's input shape.
/// </summary>
public sealed class AttackApplyCommand(IAnsiConsole console) : Command<AttackApplySettings>
{
    public override int Execute(CommandContext context, AttackApplySettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        OutputPaths.CheckFolder(settings.Out!, "--out", [.. settings.Images, .. (settings.From is null ? [] : Fire.Training.Checkpoint.Files(settings.From))], settings.Force);
        using var checkpoint = settings.From is null ? null : BackdoorCheckpoint.Load(settings.From);
        int[] shape = checkpoint?.Info.InputShape ?? Shape(settings);
        var (name, trigger) = checkpoint is not null ? (checkpoint.Attack.Name, checkpoint.Trigger) : Trigger(settings, shape);
        var (files, images) = CheckpointImages.Load(console, shape, settings.Images, "Images");
        string folder = Path.GetFullPath(settings.Out!);
        var outputs = files.Names.Select(file => Path.GetFullPath(Path.Combine(folder, Path.ChangeExtension(file, ".png")))).ToArray();
        var clash = outputs.Select((path, i) => (path, i)).GroupBy(p => p.path).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new ArgumentException($"{files.Files[clash.First().i]} and {files.Files[clash.Skip(1).First().i]} would both be written to {clash.Key}: give them in separate runs.");
        if (outputs.FirstOrDefault(o => files.Files.Contains(o, StringComparer.Ordinal)) is { } overwritten)
            throw new ArgumentException($"--out would overwrite the input image {overwritten}: choose another folder.");

        var triggered = trigger.Apply(images);
        for (int i = 0; i < files.Count; i++)
            ImageFiles.SavePng(outputs[i], triggered.Sample(i), shape[0], shape[1], shape[2]);
        console.MarkupLineInterpolated($"Applied {name}'s trigger to {files.Count:N0} images; wrote them to [bold]{folder}[/].");
        return 0;
    }

    private static int[] Shape(AttackApplySettings settings)
    {
        if (settings.Model is not null)
        {
            using var model = ModelFiles.Open(settings.Model, new ModelInputOptions(Threads: settings.Threads ?? 0));
            return model.InputShape;
        }
        var parts = settings.Input!.Split('x', 'X').Select(p => int.TryParse(p, out int d) && d > 0 ? d : -1).ToArray();
        if (parts.Length != 3 || parts.Any(d => d < 0))
            throw new ArgumentException($"--input '{settings.Input}' is not an image shape like 3x32x32 (channels x height x width).");
        return parts;
    }

    private static (string Name, ITrigger Trigger) Trigger(AttackApplySettings settings, int[] shape)
    {
        string attackName = AttackCatalog.Canonical(settings.Attack!);
        var attack = CommandLineAttacks.Create(attackName, settings.ToOptions(attackName, ImageShape.FromArray(shape)));
        return (attack.Name, attack.Trigger);
    }
}
