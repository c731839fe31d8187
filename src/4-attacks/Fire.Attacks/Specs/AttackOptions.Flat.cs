using System.Reflection;

namespace Fire.Attacks.Specs;

/// <summary>
/// The options of the first six attacks, flat, as callers gave them before each attack had its own options record.
/// Kept so that code written then still compiles and means the same: each one given is copied onto the property of
/// the same name in the chosen attack's record (an error when it has none). New attacks take theirs through
/// <see cref="Own"/> only; nothing is added here.
/// </summary>
public sealed partial record AttackOptions
{
    /// <summary>WaNet, IAD: a fresh poisoned selection every epoch, or one fixed set (<see cref="AttackSpec.RedrawEachEpoch"/>).</summary>
    public bool? RedrawEachEpoch { get; init; }
    public int? PatchSize { get; init; }
    public string? PatchPosition { get; init; }
    public string? PatchPattern { get; init; }
    public string? PatchImage { get; init; }
    public string? PatchMask { get; init; }
    public string? BlendImage { get; init; }
    public double? Alpha { get; init; }
    public int? K { get; init; }
    public double? S { get; init; }
    public double? GridRescale { get; init; }
    public double? CrossRatio { get; init; }
    public double? PostRotation { get; init; }
    public double? Delta { get; init; }
    public double? Frequency { get; init; }
    public double? LambdaDiv { get; init; }
    public double? LambdaNorm { get; init; }
    public double? MaskDensity { get; init; }
    public int? MaskEpochs { get; init; }
    public double? GeneratorLearningRate { get; init; }
    public int? GeneratorChannels { get; init; }
    public double? TestAlpha { get; init; }
    public int? Pieces { get; init; }
    public double? MaskRate { get; init; }
    public double? CoverRate { get; init; }

    /// <summary>The command-line names of the attack options given: the flat ones (not null), then <see cref="Arguments"/>.</summary>
    public IEnumerable<string> GivenParameters() => GivenFlatOptions().Select(g => g.Option).Concat(Arguments.Select(a => a.Option));

    /// <summary>The flat options given: property name, command-line name (from the attack record that declares it), value.</summary>
    internal IEnumerable<(string Property, string Option, object Value)> GivenFlatOptions() =>
        FlatProperties.Select(p => (p.Name, Value: p.GetValue(this)))
            .Where(p => p.Value is not null)
            .Select(p => (p.Name, OptionName(p.Name), p.Value!));

    /// <summary>The flat properties: all but the options every attack takes, <see cref="Own"/> and <see cref="Arguments"/>.</summary>
    internal static readonly PropertyInfo[] FlatProperties = typeof(AttackOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.Name is not (nameof(Shape) or nameof(Target) or nameof(Rate) or nameof(CleanLabel) or nameof(Seed) or nameof(Own) or nameof(Arguments)))
        .OrderBy(p => p.MetadataToken)
        .ToArray();

    private static string OptionName(string property) =>
        AttackCatalog.Entries.SelectMany(e => e.Flags).FirstOrDefault(f => f.Property.Name == property)?.Name
        ?? throw new InvalidOperationException($"AttackOptions.{property} matches no attack's option: no attack options record has a property of that name.");
}
