namespace Fire.Attacks;

/// <summary>Blended's own options, at BackdoorBench's defaults but for the pattern (see <see cref="BlendPattern"/>).</summary>
public sealed record BlendedOptions : IAttackOptions
{
    [AttackFlag("--blend-image", "FILE", "Any image file as the pattern, resized to the images (default: seeded noise).")]
    public string? BlendImage { get; init; }

    [AttackFlag("--alpha", "A", "The pattern's share of each pixel, in [0, 1], for training and test images.")]
    public double Alpha { get; init; } = 0.2;
}
