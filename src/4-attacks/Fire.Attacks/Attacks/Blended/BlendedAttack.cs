using Fire.Attacks.Images;
using Fire.Attacks.Specs;

namespace Fire.Attacks;

/// <summary>Blended (Chen et al. 2017). BackdoorBench's default: alpha 0.2 for training and test, 10% poisoned; the pattern is described in <see cref="BlendPattern"/>.</summary>
public sealed class BlendedAttack : DataPoisoningAttack
{
    public const string Kind = "blended";

    private readonly BlendedTrigger _trigger;

    private BlendedAttack(AttackSpec spec, BlendedTrigger trigger) : base(spec) => _trigger = trigger;

    public override ITrigger Trigger => _trigger;

    /// <param name="Pattern">Where the pattern came from: "seeded-noise" or an image file name.</param>
    public sealed record Parameters(double Alpha, string Pattern, string PatternPng);

    public static BlendedAttack Create(AttackOptions options, BlendedOptions own)
    {
        double alpha = own.Alpha;
        BlendedTrigger.CheckAlpha(alpha, "--alpha");
        var (pattern, source) = BlendPattern.Create(own.BlendImage, options.Shape, options.Seed);
        var parameters = new Parameters(alpha, source, TriggerImages.ToPngBase64(pattern));
        return new BlendedAttack(NewSpec(Kind, options, parameters), new BlendedTrigger(options.Shape, pattern, alpha));
    }

    public static BlendedAttack Restore(AttackSpec spec)
    {
        var p = spec.Read<Parameters>();
        return new BlendedAttack(spec, new BlendedTrigger(spec.Shape, BlendPattern.Restore(p.PatternPng, spec.Shape), p.Alpha));
    }
}
