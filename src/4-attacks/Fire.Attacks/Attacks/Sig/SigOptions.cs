namespace Fire.Attacks;

/// <summary>SIG's own options, at BackdoorBench's defaults.</summary>
public sealed record SigOptions : IAttackOptions
{
    [AttackFlag("--delta", "LEVELS", "Amplitude of the sinusoid in pixel levels of 255.")]
    public double Delta { get; init; } = 40;

    [AttackFlag("--frequency", "F", "Periods across the image width.")]
    public double Frequency { get; init; } = 6;
}
