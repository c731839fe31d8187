namespace Fire.Defenses.Baselines;

/// <summary>The runtime baselines by name, each with its documented defaults; for command lines and benchmark harnesses.</summary>
public static class RuntimeBaselines
{
    private static readonly Dictionary<string, Func<IRuntimeDefense>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        [NoDefense.DefenseName] = () => new NoDefense(),
        [ShrinkPad.DefenseName] = () => new ShrinkPad(),
        [JpegDefense.DefenseName] = () => new JpegDefense(),
        [GaussianBlurDefense.DefenseName] = () => new GaussianBlurDefense(),
        [Strip.DefenseName] = () => new Strip(),
        // Detectors that abstain on flagged inputs, thresholded at 5% of the clean reference (STRIP keeps its own class).
        [ScaleUp.DetectorName] = () => new DetectorDefense(new ScaleUp()),
        [IbdPsc.DetectorName] = () => new DetectorDefense(new IbdPsc()),
        [Februus.DefenseName] = () => new Februus(),
        [ActivationClipping.DefenseName] = () => new ActivationClipping(),
    };

    /// <summary>Names in a fixed order: the undefended model first.</summary>
    public static IReadOnlyList<string> Names => Factories.Keys.ToList();

    /// <summary>A new, unfitted baseline with its default parameters.</summary>
    public static IRuntimeDefense Create(string name) =>
        Factories.TryGetValue(name, out var create)
            ? create()
            : throw new ArgumentException($"Unknown runtime baseline '{name}'. Known: {string.Join(", ", Names)}.");
}
