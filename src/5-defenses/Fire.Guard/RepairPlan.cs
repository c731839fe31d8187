namespace Fire.Guard;

/// <summary>
/// What the guard does at inference: repairs at one or more layers (applied in the model's layer order within
/// one forward pass), the estimated attack target and how the plan was chosen. Immutable: predictions read one
/// plan while updates build the next.
/// </summary>
public sealed class RepairPlan
{
    public RepairPlan(IReadOnlyList<LayerRepair> repairs, int estimatedTarget, int observedCount, SelectionReport? selection = null)
    {
        var duplicate = repairs.GroupBy(r => r.Layer).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"A plan repairs layer '{duplicate.Key}' twice; give each layer one repair.");
        Repairs = repairs;
        EstimatedTarget = estimatedTarget;
        ObservedCount = observedCount;
        Selection = selection;
    }

    /// <summary>No repair: the undefended model.</summary>
    public static readonly RepairPlan None = new([], estimatedTarget: -1, observedCount: 0);

    public IReadOnlyList<LayerRepair> Repairs { get; }
    /// <summary>The majority prediction on the observed poisoned samples (-1 before any): the defender's guess of the target.</summary>
    public int EstimatedTarget { get; }
    /// <summary>How many poisoned samples (or pairs) the directions were estimated from.</summary>
    public int ObservedCount { get; }
    /// <summary>The scored candidates when the plan was chosen automatically; null for a fixed plan.</summary>
    public SelectionReport? Selection { get; }

    public bool IsEmpty => Repairs.Count == 0;

    /// <summary>
    /// Layer edits for one forward pass, each repairing its layer's activations in place. When given, <paramref name="scores"/> receives each row's score at the
    /// first repaired layer in <paramref name="layerOrder"/>, in clean standard deviations above the clean mean.
    /// </summary>
    public LayerAccess CreateAccess(IReadOnlyList<string> layerOrder, float[]? scores = null)
    {
        var access = new LayerAccess();
        var first = Repairs.OrderBy(r => IndexIn(layerOrder, r.Layer)).FirstOrDefault();
        foreach (var repair in Repairs)
        {
            bool report = scores is not null && ReferenceEquals(repair, first);
            access.Edit(repair.Layer, activations =>
            {
                for (int i = 0; i < activations.Count; i++)
                {
                    repair.Repair(activations.Sample(i), out float score);
                    if (report) scores![i] = repair.StandardScore(score);
                }
            });
        }
        return access;
    }

    private static int IndexIn(IReadOnlyList<string> order, string layer)
    {
        for (int i = 0; i < order.Count; i++) if (order[i] == layer) return i;
        return int.MaxValue;
    }

    public override string ToString() => IsEmpty
        ? "no repair"
        : string.Join("; ", Repairs) + (EstimatedTarget >= 0 ? $" (estimated target {EstimatedTarget}, k = {ObservedCount})" : "");
}
