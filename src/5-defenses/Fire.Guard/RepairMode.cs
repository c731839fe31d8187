namespace Fire.Guard;

/// <summary>
/// How a layer's activation h is moved back along the trigger direction beta (unit u, clean mean mu, score
/// s = &lt;h - mu, u&gt;, clean reference level m = mean clean score, gate threshold tau from clean scores):
/// </summary>
public enum RepairMode
{
    /// <summary>h - alpha * beta, for every input (the paper's repair).</summary>
    Translate,
    /// <summary>h - alpha * max(0, s - m) * u: removes only the part of the component along u above the clean level.</summary>
    Projection,
    /// <summary>Translate, but only inputs with s &gt; tau; clean inputs below the threshold pass untouched.</summary>
    GatedTranslate,
    /// <summary>Projection, but only inputs with s &gt; tau.</summary>
    GatedProjection,
}

/// <summary>Command-line names of the repair modes.</summary>
public static class RepairModes
{
    public static readonly IReadOnlyList<RepairMode> All = Enum.GetValues<RepairMode>();

    public static string Name(RepairMode mode) => mode switch
    {
        RepairMode.Translate => "translate",
        RepairMode.Projection => "projection",
        RepairMode.GatedTranslate => "gated",
        RepairMode.GatedProjection => "gated-projection",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    public static RepairMode Parse(string name)
    {
        foreach (var mode in All)
            if (string.Equals(Name(mode), name.Trim(), StringComparison.OrdinalIgnoreCase)) return mode;
        throw new ArgumentException($"Unknown repair mode '{name}'. Modes: {string.Join(", ", All.Select(Name))}.");
    }

    public static bool IsGated(RepairMode mode) => mode is RepairMode.GatedTranslate or RepairMode.GatedProjection;
}
