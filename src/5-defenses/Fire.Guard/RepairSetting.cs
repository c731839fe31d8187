namespace Fire.Guard;

/// <summary>
/// Where and how one layer is repaired: the layer, the mode, the strength alpha and the direction estimate (density). The one
/// type for this group: fixed plans (<see cref="FireOptions.FixedPlan"/>), the automatic choice's candidates, each
/// <see cref="LayerRepair"/> and each <see cref="CandidateScore"/> carry it. Checked here, once, on every construction and
/// <c>with</c> (JSON reading goes through the constructor), so no holder checks it again.
/// </summary>
/// <remarks>Not sealed only so that the former name <see cref="RepairSpec"/> can forward to it.</remarks>
public sealed record RepairSetting
{
    public RepairSetting(string layer, RepairMode mode, float alpha, DirectionDensity density = DirectionDensity.Dense)
    {
        Layer = layer;
        Mode = mode;
        Alpha = alpha;
        Density = density;
    }

    public string Layer
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Layer), "A repair setting names no layer.");
    }

    public RepairMode Mode
    {
        get;
        init => field = RepairModes.All.Contains(value) ? value : throw new ArgumentOutOfRangeException(nameof(Mode), $"Layer '{Layer}': unknown repair mode {(int)value}.");
    }

    public float Alpha
    {
        get;
        init => field = IsValidAlpha(value)
            ? value
            : throw new ArgumentOutOfRangeException("alpha", $"Layer '{Layer}': alpha must be finite and >= 0, got {value}.");
    }

    /// <summary>How the direction is estimated, so that updates estimate it again the same way.</summary>
    public DirectionDensity Density
    {
        get;
        init => field = DirectionDensities.All.Contains(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Density), $"Layer '{Layer}': unknown direction density {(int)value}.");
    }

    /// <summary>The rule for a repair strength, also applied to <see cref="FireOptions.Alphas"/>: finite and at least 0.</summary>
    public static bool IsValidAlpha(float alpha) => float.IsFinite(alpha) && alpha >= 0;

    /// <summary>"conv1 projection alpha 1", with ", sparse" for a sparse direction.</summary>
    public override string ToString() => $"{Layer} {RepairModes.Name(Mode)} alpha {Alpha:0.##}{(Density == DirectionDensity.Sparse ? ", sparse" : "")}";
}
