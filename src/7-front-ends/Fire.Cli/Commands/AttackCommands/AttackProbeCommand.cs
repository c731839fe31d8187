using System.ComponentModel;
using Fire.Attacks;
using Fire.Evaluation.Probes;
using Fire.Evaluation.Repair;
using Fire.Engines.Torch;
using Fire.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.AttackCommands;

public sealed class AttackProbeSettings : ComputeSettings
{
    [CommandArgument(0, "<checkpoint>")]
    [Description("Backdoored checkpoint written by `fire attack` (model.pt or its sidecar).")]
    public string Checkpoint { get; set; } = "";

    [CommandOption("--dataset <NAME>")]
    [Description(CheckpointDatasetDescription)]
    public string? Dataset { get; set; }

    [CommandOption("--reference <CHECKPOINT>")]
    [Description("A clean model of the same data set, probed alike: what the transforms do without any backdoor.")]
    public string? Reference { get; set; }

    [CommandOption("--transforms <LIST>")]
    [Description("Comma-separated transforms: none, blur-3, blur-5, shift, rotate, noise, jpeg, shrinkpad (default: all).")]
    public string? Transforms { get; set; }

    [CommandOption("--test-limit <N>")]
    [Description("Probe a seeded subset of N test images (default: the whole test split).")]
    public int? TestLimit { get; set; }

    [CommandOption("--seed <N>")]
    [Description("Seed of the test subset and of the random transforms (default: 0).")]
    public int Seed { get; set; }

    public override ValidationResult Validate() =>
        TestLimit is < 1 ? ValidationResult.Error($"--test-limit must be at least 1, got {TestLimit}.") : base.Validate();
}

/// <summary>
/// <c>fire attack probe</c>: does a backdoor fire without its trigger, and does its trigger survive, under benign
/// changes of the input (blur, resampling, rotation, noise, JPEG, ShrinkPad)? For each transform, CA and clean to
/// target on the transformed clean test images, ASR and PA on the transformed triggered ones; beside them, with
/// --reference, a clean model's CA and clean to target, so the backdoor's share stands apart from the transform's own.
/// </summary>
public sealed class AttackProbeCommand(IAnsiConsole console) : Command<AttackProbeSettings>
{
    public override int Execute(CommandContext context, AttackProbeSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        var transforms = settings.Transforms is null
            ? BenignTransforms.Standard(settings.Seed)
            : BenignTransforms.Select(settings.Transforms.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), settings.Seed);
        using var checkpoint = BackdoorCheckpoint.Load(settings.Checkpoint);
        var reference = settings.Reference is null ? ((LayeredNet Net, CheckpointInfo Info)?)null : Checkpoint.Load(settings.Reference);
        using var referenceNet = reference?.Net;
        var split = settings.LoadCheckpointData(console, checkpoint.Info, settings.Checkpoint, settings.Dataset);
        reference?.Info.CheckData(split.Test, settings.Reference!);

        var set = new BackdoorTestSet(split.Test, checkpoint.Trigger, checkpoint.Target, settings.TestLimit, settings.Seed);
        console.MarkupLineInterpolated($"Probing [bold]{checkpoint.Info.Architecture}[/] backdoored with [bold]{checkpoint.Attack.Name}[/] (target {checkpoint.Target}) on {set.CleanLabels.Length:N0} clean and {set.PoisonedLabels.Length:N0} triggered test images of {set.Name}.");
        using var model = new TorchLayeredModel(checkpoint.Net);
        using var referenceModel = referenceNet is null ? null : new TorchLayeredModel(referenceNet);

        var table = new Table().Border(TableBorder.Rounded).AddColumns("transform", "CA", "clean to target", "ASR", "PA");
        if (referenceModel is not null) table.AddColumns("clean model CA", "clean model: clean to target");
        foreach (var column in table.Columns.Skip(1)) column.RightAligned();
        console.Status().Start("Probing", status =>
        {
            foreach (var transform in transforms)
            {
                cancellation.ThrowIfCancellationRequested();
                status.Status(Markup.Escape($"Probing {transform.Name}: {transform.Description}"));
                var results = TransformProbe.Measure(referenceModel is null ? [model] : [model, referenceModel], set, transform);
                var probed = results[0];
                var row = new List<string> { transform.Name, Percent(probed.CleanAccuracy), Percent(probed.CleanToTarget), Percent(probed.AttackSuccessRate), Percent(probed.PoisonedAccuracy) };
                if (results.Count > 1) row.AddRange([Percent(results[1].CleanAccuracy), Percent(results[1].CleanToTarget)]);
                table.AddRow(row.Select(Markup.Escape).ToArray());
            }
        });
        console.Write(table);
        foreach (var transform in transforms) console.MarkupLineInterpolated($"[grey]{transform.Name}: {transform.Description}[/]");
        console.MarkupLine("[grey]clean to target: share of the other classes' clean images predicted as the target, the backdoor firing without its trigger.[/]");
        return 0;
    }

    private static string Percent(double share) => $"{share:P2}";
}
