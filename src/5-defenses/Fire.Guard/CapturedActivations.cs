namespace Fire.Guard;

/// <summary>
/// The activations of the captured observed samples (those predicted as the estimated target) at the plan's layers,
/// kept between updates: an update that keeps the layers runs a layer's head only over the samples captured since the
/// last one, so a streaming update costs O(new samples) head passes instead of O(k) (measured in `fire serve-bench` on
/// MNIST small-cnn at k = 40-55: 216 ms of CPU per plain update before, 12 ms after). The activations are kept in the
/// parts in which they arrived: joining them into one batch on every update copied all k rows each time (7.7 MB per
/// flag at k = 290 on that model). Rebuilt whenever the observations were replaced or the captured rows changed other
/// than by new rows at the end (the estimated target moved).
/// </summary>
internal sealed class CapturedActivations
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The captured rows' activations at <paramref name="layer"/>, in row order, in parts.</summary>
    public IReadOnlyList<FloatBatch> At(ILayeredModel model, PoisonObservations observed, string layer, int batchSize)
    {
        var rows = observed.CapturedRows();
        if (_entries.TryGetValue(layer, out var kept) && ReferenceEquals(kept.Observed, observed) && Extends(rows, kept.Rows))
        {
            if (rows.Length > kept.Rows.Length)
            {
                kept.Parts.Add(Run(model, observed, rows[kept.Rows.Length..], layer, batchSize));
                _entries[layer] = kept with { Rows = rows };
            }
            return [.. kept.Parts];
        }
        var fresh = new List<FloatBatch>();
        if (rows.Length > 0) fresh.Add(Run(model, observed, rows, layer, batchSize));
        _entries[layer] = new Entry(observed, rows, fresh);
        return fresh;
    }

    /// <summary>Drops the layers a new plan no longer repairs.</summary>
    public void Keep(IEnumerable<string> layers)
    {
        var keep = layers.ToHashSet(StringComparer.Ordinal);
        foreach (var layer in _entries.Keys.Where(l => !keep.Contains(l)).ToList()) _entries.Remove(layer);
    }

    private static FloatBatch Run(ILayeredModel model, PoisonObservations observed, int[] rows, string layer, int batchSize) =>
        ModelRunner.Activations(model, BatchOps.Stack(rows.Select(i => observed.Poisoned[i]).ToList(), observed.SampleShape), layer, batchSize);

    private static bool Extends(int[] rows, int[] prefix) => rows.Length >= prefix.Length && rows.AsSpan(0, prefix.Length).SequenceEqual(prefix);

    private sealed record Entry(PoisonObservations Observed, int[] Rows, List<FloatBatch> Parts);
}
