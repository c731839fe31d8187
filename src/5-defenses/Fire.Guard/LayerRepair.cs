using System.Numerics.Tensors;

namespace Fire.Guard;

/// <summary>
/// One layer's repair: a trigger direction, the clean scores along it, a mode and a strength alpha.
/// Immutable, so any number of threads may apply it at once.
/// </summary>
public sealed class LayerRepair
{
    /// <summary>A repair at <paramref name="setting"/>'s layer, which must be <paramref name="direction"/>'s.</summary>
    public LayerRepair(TriggerDirection direction, CleanScoreStatistics cleanScores, RepairSetting setting)
    {
        if (setting.Layer != direction.Layer)
            throw new ArgumentException($"A repair set for layer '{setting.Layer}' was given a direction at layer '{direction.Layer}'.", nameof(setting));
        Direction = direction;
        CleanScores = cleanScores;
        Setting = setting;
    }

    /// <summary>A repair at <paramref name="direction"/>'s layer (the setting is checked by <see cref="RepairSetting"/>).</summary>
    public LayerRepair(TriggerDirection direction, CleanScoreStatistics cleanScores, RepairMode mode, float alpha,
        DirectionDensity density = DirectionDensity.Dense)
        : this(direction, cleanScores, new RepairSetting(direction.Layer, mode, alpha, density))
    {
    }

    public TriggerDirection Direction { get; }
    public CleanScoreStatistics CleanScores { get; }
    /// <summary>Layer, mode, alpha and density; the members below read it.</summary>
    public RepairSetting Setting { get; }
    public RepairMode Mode => Setting.Mode;
    public float Alpha => Setting.Alpha;
    /// <summary>How <see cref="Direction"/> was estimated, so that updates estimate it again the same way.</summary>
    public DirectionDensity Density => Setting.Density;
    public string Layer => Direction.Layer;

    /// <summary>
    /// Whether <see cref="Repair"/> would change this flattened activation, without changing it (a gated repair's
    /// screen); <paramref name="score"/> is its score.
    /// </summary>
    public bool Changes(ReadOnlySpan<float> activation, out float score)
    {
        if (activation.Length != Direction.Dimension)
            throw new ArgumentException($"Layer '{Layer}' repairs activations of {Direction.Dimension} values, got {activation.Length}.");
        score = Direction.Score(activation);
        if (RepairModes.IsGated(Mode) && !(score > CleanScores.Threshold)) return false;
        return Mode is RepairMode.Translate or RepairMode.GatedTranslate
            ? Alpha != 0 && Direction.Norm != 0
            : score - CleanScores.Mean > 0 && Alpha != 0;
    }

    /// <summary>
    /// A score as answers report it: in clean standard deviations above the clean mean (when the clean scores do not
    /// vary, its distance above the mean).
    /// </summary>
    public float StandardScore(float score) => (score - CleanScores.Mean) / (CleanScores.Std > 0 ? CleanScores.Std : 1f);

    /// <summary>Repairs one flattened activation in place; returns whether it changed. <paramref name="score"/> is its score before repair.</summary>
    public bool Repair(Span<float> activation, out float score)
    {
        if (!Changes(activation, out score)) return false;
        if (Mode is RepairMode.Translate or RepairMode.GatedTranslate)
            TensorPrimitives.MultiplyAdd(Direction.Beta, -Alpha, activation, activation);
        else
            TensorPrimitives.MultiplyAdd(Direction.Unit, -Alpha * (score - CleanScores.Mean), activation, activation);
        return true;
    }

    /// <summary>
    /// A repaired copy of <paramref name="activations"/> (N, ...). When given, <paramref name="scores"/> receives
    /// each row's score and <paramref name="changed"/> whether the row was moved.
    /// </summary>
    public FloatBatch Apply(FloatBatch activations, float[]? scores = null, bool[]? changed = null)
    {
        var repaired = activations.Clone();
        for (int i = 0; i < repaired.Count; i++)
        {
            bool moved = Repair(repaired.Sample(i), out float score);
            if (scores is not null) scores[i] = score;
            if (changed is not null) changed[i] = moved;
        }
        return repaired;
    }

    public override string ToString() =>
        $"{Layer}: {RepairModes.Name(Mode)}, alpha {Alpha:0.##}{(Density == DirectionDensity.Sparse ? ", sparse direction" : "")}";
}
