namespace Fire.Defenses.Baselines;

/// <summary>The detectors of triggered inputs by name, each with its documented defaults: flag sources for FIRE and, through
/// an abstaining wrapper, runtime baselines of their own.</summary>
public static class InputDetectors
{
    private static readonly Dictionary<string, Func<IInputDetector>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        [Strip.DefenseName] = () => new Strip(),
        [ScaleUp.DetectorName] = () => new ScaleUp(),
        [IbdPsc.DetectorName] = () => new IbdPsc(),
        [LatentOutlier.DetectorName] = () => new LatentOutlier(),
    };

    public static IReadOnlyList<string> Names => Factories.Keys.ToList();

    /// <summary>A new, uncalibrated detector with its default parameters.</summary>
    public static IInputDetector Create(string name) =>
        Factories.TryGetValue(name, out var create)
            ? create()
            : throw new ArgumentException($"Unknown detector '{name}'. Known: {string.Join(", ", Names)}.");
}
