namespace Fire.Evaluation.Streams;

/// <summary>
/// A seeded stream over a <see cref="StreamPool"/>: every pool image once, in a seeded order, of which exactly
/// round(<see cref="TriggerShare"/> x the number of non-target images) non-target images, chosen by the same seed,
/// arrive triggered. The share is exact for a seed (not a per-input coin), so streams of one setting differ only in
/// order and in which images carry the trigger.
/// </summary>
public sealed class InputStream
{
    private InputStream(IReadOnlyList<StreamInput> inputs, double share, int seed)
    {
        Inputs = inputs;
        TriggerShare = share;
        Seed = seed;
    }

    public IReadOnlyList<StreamInput> Inputs { get; }
    public double TriggerShare { get; }
    public int Seed { get; }
    public int Count => Inputs.Count;
    public int TriggeredCount => Inputs.Count(i => i.Triggered);

    /// <summary>The number of triggered inputs for <paramref name="nonTarget"/> non-target images at share <paramref name="share"/>.</summary>
    public static int TriggeredFor(int nonTarget, double share) => (int)Math.Round(share * nonTarget, MidpointRounding.AwayFromZero);

    public static InputStream Draw(IReadOnlyList<int> labels, int target, double share, int seed)
    {
        if (!(share >= 0 && share <= 1)) throw new ArgumentOutOfRangeException(nameof(share), $"A trigger share must be in [0, 1], got {share}.");
        if (labels.Count == 0) throw new ArgumentException("A stream needs at least one pool image.");
        var order = Enumerable.Range(0, labels.Count).ToArray();
        new Random(Seeds.For(seed, StreamSeeds.Order)).Shuffle(order);
        var nonTarget = Enumerable.Range(0, labels.Count).Where(i => labels[i] != target).ToArray();
        new Random(Seeds.For(seed, StreamSeeds.Triggered)).Shuffle(nonTarget);
        var triggered = nonTarget[..TriggeredFor(nonTarget.Length, share)].ToHashSet();
        var inputs = order.Select((index, position) => new StreamInput(position, index, triggered.Contains(index), labels[index])).ToArray();
        return new InputStream(inputs, share, seed);
    }

    /// <summary>The stream cut into consecutive chunks of <paramref name="size"/> inputs (the last may be shorter), images gathered from <paramref name="pool"/>.</summary>
    public IEnumerable<StreamChunk> Chunks(StreamPool pool, int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), $"A stream chunk must hold at least 1 input, got {size}.");
        for (int start = 0; start < Inputs.Count; start += size)
        {
            var inputs = Inputs.Skip(start).Take(size).ToArray();
            yield return new StreamChunk(start, pool.Gather(inputs), inputs);
        }
    }
}

/// <summary>The purposes a stream's seed is derived for (<see cref="Seeds.For(int, int)"/>), independent of each other.</summary>
internal static class StreamSeeds
{
    public const int Order = 101, Triggered = 102, Detector = 103;
}
