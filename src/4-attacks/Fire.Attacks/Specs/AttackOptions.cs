namespace Fire.Attacks.Specs;

/// <summary>
/// What a user asks of an attack. Null means the attack's default (BackdoorBench's settings, see each attack).
/// Parameters that the chosen attack does not use are an error, so a typo in a command line is never ignored.
/// </summary>
public sealed record AttackOptions
{
    /// <summary>The images the attack is built for.</summary>
    public required ImageShape Shape { get; init; }
    public int Target { get; init; }
    /// <summary>Share of the training set poisoned; null = the attack's default (0.1; Adaptive-Blend 0.003).</summary>
    public double? Rate { get; init; }
    /// <summary>Clean-label poisoning; null = the attack's default (SIG yes, the others no).</summary>
    public bool? CleanLabel { get; init; }
    public int Seed { get; init; }
    /// <summary>
    /// WaNet, IAD: a fresh poisoned selection every epoch (<see cref="AttackSpec.RedrawEachEpoch"/>) or one fixed set;
    /// null = the attack's default (WaNet redraws, as BackdoorBench; IAD keeps one fixed set).
    /// </summary>
    public bool? RedrawEachEpoch { get; init; }

    // BadNets
    public int? PatchSize { get; init; }
    public string? PatchPosition { get; init; }
    public string? PatchPattern { get; init; }
    public string? PatchImage { get; init; }
    public string? PatchMask { get; init; }
    // Blended and Adaptive-Blend
    public string? BlendImage { get; init; }
    public double? Alpha { get; init; }
    // WaNet
    public int? K { get; init; }
    public double? S { get; init; }
    public double? GridRescale { get; init; }
    public double? CrossRatio { get; init; }
    public double? PostRotation { get; init; }
    // SIG
    public double? Delta { get; init; }
    public double? Frequency { get; init; }
    // IAD
    public double? LambdaDiv { get; init; }
    public double? LambdaNorm { get; init; }
    public double? MaskDensity { get; init; }
    public int? MaskEpochs { get; init; }
    public double? GeneratorLearningRate { get; init; }
    public int? GeneratorChannels { get; init; }
    // Adaptive-Blend
    public double? TestAlpha { get; init; }
    public int? Pieces { get; init; }
    public double? MaskRate { get; init; }
    public double? CoverRate { get; init; }

    /// <summary>The command-line names of the attack-specific parameters given (not null).</summary>
    public IEnumerable<string> GivenParameters()
    {
        var given = new (string Option, object? Value)[]
        {
            ("--patch-size", PatchSize), ("--patch-position", PatchPosition), ("--patch-pattern", PatchPattern),
            ("--patch-image", PatchImage), ("--patch-mask", PatchMask), ("--blend-image", BlendImage), ("--alpha", Alpha),
            ("--warp-k", K), ("--warp-s", S), ("--grid-rescale", GridRescale), ("--cross-ratio", CrossRatio),
            ("--post-rotation", PostRotation),
            ("--redraw-each-epoch", RedrawEachEpoch),
            ("--delta", Delta), ("--frequency", Frequency),
            ("--lambda-div", LambdaDiv), ("--lambda-norm", LambdaNorm), ("--mask-density", MaskDensity),
            ("--mask-epochs", MaskEpochs), ("--generator-lr", GeneratorLearningRate),
            ("--generator-channels", GeneratorChannels),
            ("--test-alpha", TestAlpha), ("--pieces", Pieces), ("--mask-rate", MaskRate), ("--cover-rate", CoverRate),
        };
        return given.Where(g => g.Value is not null).Select(g => g.Option);
    }
}
