using System.ComponentModel;
using Fire.Attacks;
using Fire.Attacks.Specs;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.AttackCommands;

/// <summary>
/// The options that configure an attack's trigger and poisoning; unset ones take the attack's defaults (BackdoorBench's).
/// The options every attack takes are declared here; each attack's own ones on its options record in Fire.Attacks,
/// whence <see cref="AttackHelpProvider"/> lists them in --help.
/// </summary>
public class AttackParameterSettings : ComputeSettings, IClaimsOptions
{
    [CommandOption("--target <CLASS>")]
    [Description("Target class of the all-to-one backdoor (default: 0).")]
    public int? Target { get; set; }

    [CommandOption("--rate <SHARE>")]
    [Description("Poisoned share of ALL training images, BackdoorBench's pratio (default: 0.1; adaptive-blend 0.003).")]
    public double? Rate { get; set; }

    [CommandOption("--clean-label")]
    [Description("Poison only target-class images and keep their labels (SIG always does).")]
    public bool CleanLabel { get; set; }

    [CommandOption("--seed <N>")]
    [Description("Seed of the poisoned selection, trigger patterns and training (default: 0).")]
    public int? Seed { get; set; }

    /// <summary>
    /// The attacks' own options given, in command-line order: long name and text (null for a switch given alone).
    /// They are declared once, on each attack's options record, so Spectre leaves them over; <see cref="Claim"/> takes them.
    /// </summary>
    public IReadOnlyList<(string Option, string? Text)> AttackArguments { get; private set; } = [];

    /// <summary>Takes the left-over options that some attack of the catalog declares; returns the others, unknown ones.</summary>
    public IReadOnlyList<string> Claim(ILookup<string, string?> remaining)
    {
        AttackArguments = CommandLineAttacks.Claim(remaining, out var unknown);
        return unknown;
    }

    /// <summary>
    /// The options for <paramref name="attack"/>. With <paramref name="onlyItsOwn"/>, parameters the attack does not
    /// take are left out (a command covering several attacks), else they reach it and it rejects them.
    /// </summary>
    public AttackOptions ToOptions(string attack, ImageShape shape, bool onlyItsOwn = false)
    {
        var entry = AttackCatalog.Entry(attack);
        return new AttackOptions
        {
            Shape = shape,
            Target = Target ?? 0,
            Rate = Rate,
            CleanLabel = CleanLabel ? true : null,
            Seed = Seed ?? 0,
            Arguments = onlyItsOwn ? AttackArguments.Where(a => entry.Flag(a.Option) is not null).ToArray() : AttackArguments,
        };
    }
}
