namespace Fire.Attacks;

/// <summary>Adaptive-Blend's own options, at the authors' defaults (backdoor-toolbox).</summary>
public sealed record AdaptiveBlendOptions : IAttackOptions
{
    [AttackFlag("--blend-image", "FILE", "Any image file as the pattern, resized to the images (default: seeded noise).")]
    public string? BlendImage { get; init; }

    [AttackFlag("--alpha", "A", "Opacity of the partial trigger on poisoned and cover training images, in [0, 1].")]
    public double Alpha { get; init; } = 0.15;

    [AttackFlag("--test-alpha", "A", "Opacity of the full trigger at test time, in [0, 1].")]
    public double TestAlpha { get; init; } = 0.2;

    [AttackFlag("--pieces", "N", "Square number of pattern pieces.")]
    public int Pieces { get; init; } = 16;

    [AttackFlag("--mask-rate", "R", "Share of pieces hidden on each training image.")]
    public double MaskRate { get; init; } = 0.5;

    [AttackFlag("--cover-rate", "R", "Share of training images given the partial trigger with their own label.")]
    public double CoverRate { get; init; } = 0.003;
}
