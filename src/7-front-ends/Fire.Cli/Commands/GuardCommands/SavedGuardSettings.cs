using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.GuardCommands;

/// <summary>The options of commands that use a saved guard: the model and the guard file fitted for it.</summary>
public class SavedGuardSettings : ModelInputSettings
{
    [CommandOption("--model <MODEL>")]
    [Description("The classifier the guard was fitted for: a checkpoint (model.pt or its sidecar) or an .onnx file (its --mean, --std and --classes come from the guard unless given).")]
    public string? Model { get; set; }

    [CommandOption("--guard <FILE>")]
    [Description("A guard written by `fire guard fit` (or `fire defend`'s fire-guard.fire).")]
    public string? Guard { get; set; }

    public override ValidationResult Validate()
    {
        if (Model is null) return ValidationResult.Error("--model is required: the model the guard was fitted for.");
        if (Guard is null) return ValidationResult.Error("--guard is required: a guard file from `fire guard fit`.");
        return base.Validate();
    }
}
