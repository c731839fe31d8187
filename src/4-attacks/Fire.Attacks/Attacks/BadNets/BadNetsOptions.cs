namespace Fire.Attacks;

/// <summary>BadNets' own options, at BackdoorBench's defaults: a 3x3 white patch in the bottom-right corner.</summary>
public sealed record BadNetsOptions : IAttackOptions
{
    [AttackFlag("--patch-size", "PIXELS", "Side of the square patch (default: 3; with --patch-image, the image's own size).")]
    public int? PatchSize { get; init; }

    [AttackFlag("--patch-position", "WHERE", "bottom-right, bottom-left, top-right, top-left, center, or \"row,col\" of the patch's top-left pixel.")]
    public string PatchPosition { get; init; } = "bottom-right";

    [AttackFlag("--patch-pattern", "NAME", "white (default), black, checkerboard or random (seeded).")]
    public string? PatchPattern { get; init; }

    [AttackFlag("--patch-image", "FILE", "Any image file as the patch (resized to --patch-size when given).")]
    public string? PatchImage { get; init; }

    [AttackFlag("--patch-mask", "FILE", "Grey image of the patch's size; white = patch, black = image, grey mixes (default: all patch).")]
    public string? PatchMask { get; init; }
}
