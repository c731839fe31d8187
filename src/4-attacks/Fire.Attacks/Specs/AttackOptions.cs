using Fire.Attacks;

namespace Fire.Attacks.Specs;

/// <summary>
/// What a user asks of an attack: the options every attack takes, and the attack's own options record in
/// <see cref="Own"/> (BadNetsOptions, WaNetOptions, ...). Null means the attack's default (BackdoorBench's settings,
/// see each attack). Options that the chosen attack does not take are an error, so a typo in a command line is never
/// ignored. The six first attacks' options can also be given flat (<see cref="PatchSize"/>, ...), as before records.
/// </summary>
public sealed partial record AttackOptions
{
    /// <summary>The images the attack is built for.</summary>
    public required ImageShape Shape { get; init; }
    public int Target { get; init; }
    /// <summary>Share of the training set poisoned; null = the attack's default (0.1; Adaptive-Blend 0.003).</summary>
    public double? Rate { get; init; }
    /// <summary>Clean-label poisoning; null = the attack's default (SIG yes, the others no).</summary>
    public bool? CleanLabel { get; init; }
    public int Seed { get; init; }

    /// <summary>The attack's own options, a record of the type its catalog entry names; null = all at their defaults.</summary>
    public IAttackOptions? Own { get; init; }

    /// <summary>
    /// Attack options as a command line gives them, applied over <see cref="Own"/>: the option's long name (or short
    /// form) and its text, null for a switch given alone. Parsed when the attack is built, where one it does not take
    /// is an error that lists the ones it does.
    /// </summary>
    public IReadOnlyList<(string Option, string? Text)> Arguments { get; init; } = [];
}
