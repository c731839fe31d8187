using Fire.Attacks.Specs;

namespace Fire.Attacks;

/// <summary>
/// SIG (Barni et al. 2019), clean-label: the sinusoid is added to target-class training images, which keep their
/// label. BackdoorBench's default: delta 40 (of 255), frequency 6, and a rate of 0.1 counted as BackdoorBench does,
/// poisoned images / ALL training images (so on CIFAR-10 it poisons round(0.1 x 50,000) = 5,000 images, every
/// image of the target class; where the target class is smaller, as class 0 of GTSRB, all of its images).
/// </summary>
public sealed class SigAttack : DataPoisoningAttack
{
    public const string Kind = "sig";

    private readonly SigTrigger _trigger;

    private SigAttack(AttackSpec spec, SigTrigger trigger) : base(spec) => _trigger = trigger;

    public override ITrigger Trigger => _trigger;

    public sealed record Parameters(double Delta, double Frequency);

    public static SigAttack Create(AttackOptions options, SigOptions own)
    {
        var parameters = new Parameters(own.Delta, own.Frequency);
        var trigger = new SigTrigger(options.Shape, parameters.Delta, parameters.Frequency);
        return new SigAttack(NewSpec(Kind, options, parameters, defaultCleanLabel: true), trigger);
    }

    public static SigAttack Restore(AttackSpec spec)
    {
        var p = spec.Read<Parameters>();
        return new SigAttack(spec, new SigTrigger(spec.Shape, p.Delta, p.Frequency));
    }
}
