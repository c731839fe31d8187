using System.Globalization;
using Fire.Defenses.Baselines;
using Fire.Guard;

namespace Fire.Evaluation.Benchmark;

/// <summary>
/// A defense as a benchmark names it: a runtime baseline (<see cref="RuntimeBaselines"/>) or a FIRE variant.
/// FIRE variants: <c>fire-unpaired</c> (directions from the observed poisoned samples against the clean reference;
/// <c>fire</c> is the same), <c>fire-paired</c> (from the pairs (x, T(x))), <c>fire-paper</c> (the paper's FIRE,
/// <see cref="Guard.FirePaper"/>: one dense translation, unpaired with augmentation), and for measuring augmentation
/// <c>fire-paper-noaug</c> (the same without it) and <c>fire-aug</c> (Fire's default, unpaired, with
/// <see cref="ImageAugmentation.Standard"/>); each optionally with <c>@k</c> to observe k samples instead of the recipe's
/// number (e.g. <c>fire-paired@10</c>). FIRE's streaming curve is measured for the variants without <c>@k</c>.
/// </summary>
public sealed record BenchmarkDefense(string Name, bool IsFire, bool Paired = false, int? Observed = null)
{
    public const string FireUnpaired = "fire-unpaired", FirePaired = "fire-paired", FirePaperName = FirePaper.Name,
        FirePaperNoAugmentation = "fire-paper-noaug", FireAugmented = "fire-aug";
    private const string FireAlias = "fire";

    /// <summary>The FIRE variant's name without <c>@k</c> (null for baselines).</summary>
    public string? FireVariant => IsFire ? Name.Split('@')[0] : null;

    private static readonly Dictionary<string, string> BaselineAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["clipping"] = ActivationClipping.DefenseName,
        ["no-defense"] = NoDefense.DefenseName,
    };

    /// <summary>Every name a benchmark accepts, canonical first, FIRE's last.</summary>
    public static IReadOnlyList<string> Known => [.. RuntimeBaselines.Names, FireUnpaired, FirePaired, FirePaperName, FirePaperNoAugmentation, FireAugmented];

    /// <summary>Whether this is the undefended model.</summary>
    public bool IsNone => Name == NoDefense.DefenseName;

    /// <summary>
    /// Whether this baseline is a detector (<see cref="InputDetectors"/>: STRIP, SCALE-UP, IBD-PSC) that abstains on the
    /// inputs it flags instead of answering them: its PA is not comparable with a mitigation that answers every input.
    /// </summary>
    public bool IsDetector => !IsFire && InputDetectors.Names.Contains(Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether this FIRE variant is measured along the streaming curve (the variants without <c>@k</c>).</summary>
    public bool HasStreamingCurve => IsFire && Observed is null;

    /// <summary>The observed poisoned samples this defense gets under <paramref name="recipe"/>.</summary>
    public int ObservedCount(BenchmarkRecipe recipe) => Observed ?? recipe.Observed;

    /// <summary>Parses a name (case-insensitive, aliases allowed) into its canonical form; errors list the known names.</summary>
    public static BenchmarkDefense Parse(string name)
    {
        string trimmed = name.Trim();
        string head = trimmed;
        int? observed = null;
        int at = trimmed.IndexOf('@');
        if (at >= 0)
        {
            head = trimmed[..at];
            if (!int.TryParse(trimmed[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int k) || k < 1)
                throw new ArgumentException($"Defense '{name}': the part after '@' must be a number of observed samples (1 or more).");
            observed = k;
        }
        string? fire = head.ToLowerInvariant() switch
        {
            FireAlias or FireUnpaired => FireUnpaired,
            FirePaired => FirePaired,
            FirePaperName or FirePaperNoAugmentation or FireAugmented => head.ToLowerInvariant(),
            _ => null,
        };
        if (fire is not null)
            return new BenchmarkDefense(observed is int n ? $"{fire}@{n}" : fire, IsFire: true, Paired: fire == FirePaired, observed);
        if (observed is not null)
            throw new ArgumentException($"Defense '{name}': only FIRE variants take '@k'; {head} uses no observed samples.");
        string baseline = BaselineAliases.GetValueOrDefault(head, head);
        var canonical = RuntimeBaselines.Names.FirstOrDefault(n => n.Equals(baseline, StringComparison.OrdinalIgnoreCase))
                        ?? throw new ArgumentException($"Unknown defense '{name}'. Known: {string.Join(", ", Known)} (FIRE variants also as fire, and with @k, e.g. fire-paired@10).");
        return new BenchmarkDefense(canonical, IsFire: false);
    }

    /// <summary>The guard's options for this FIRE variant, seeded with <paramref name="seed"/>.</summary>
    public FireOptions FireOptions(int seed) => FireVariant switch
    {
        FireUnpaired or FirePaired => new FireOptions { Seed = seed },
        FirePaperName => FirePaper.Options(seed),
        FirePaperNoAugmentation => FirePaper.Options(seed, ImageAugmentation.None),
        FireAugmented => new FireOptions { Seed = seed, Augmentation = ImageAugmentation.Standard },
        _ => throw new InvalidOperationException($"{Name} is not a FIRE variant."),
    };

    /// <summary>A new, unfitted runtime baseline; FIRE cells are run by <see cref="Repair.FireExperiment"/> instead.</summary>
    public IRuntimeDefense CreateBaseline() => IsFire
        ? throw new InvalidOperationException($"{Name} is a FIRE variant, not a runtime baseline.")
        : RuntimeBaselines.Create(Name);

    public override string ToString() => Name;
}
