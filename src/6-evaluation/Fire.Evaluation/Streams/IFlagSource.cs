namespace Fire.Evaluation.Streams;

/// <summary>
/// What marks stream inputs as triggered for FIRE to learn from: an oracle, a detector behind a threshold, or a rule
/// that sees only the clean reference and the stream. Called once per chunk, in stream order, after the chunk's inputs
/// were answered.
/// </summary>
public interface IFlagSource
{
    /// <summary>A short name for reports, e.g. <c>oracle</c>, <c>strip@5%</c>.</summary>
    string Name { get; }

    /// <summary>One flag per input of <paramref name="chunk"/>: true = treat it as triggered.</summary>
    bool[] Flag(StreamChunk chunk);
}

/// <summary>The reference: flags exactly the triggered inputs (today's setting of every FIRE figure, where someone hands FIRE real poisoned samples).</summary>
public sealed class OracleFlags : IFlagSource
{
    public const string SourceName = "oracle";
    public string Name => SourceName;
    public bool[] Flag(StreamChunk chunk) => chunk.Inputs.Select(i => i.Triggered).ToArray();
}

/// <summary>
/// Flags from per-image scores and a threshold calibrated on the clean reference (<see cref="DetectorThreshold"/>).
/// The scores are computed once per pool image (<see cref="StreamPool.Compute{T}"/>): a detector that does not learn
/// from the stream scores an image the same whenever it arrives, so this equals scoring each chunk as it comes.
/// </summary>
public sealed class ThresholdFlags(string name, PoolValues<float> scores, DetectorThreshold threshold) : IFlagSource
{
    public string Name { get; } = name;
    public DetectorThreshold Threshold { get; } = threshold;
    public bool[] Flag(StreamChunk chunk) => chunk.Inputs.Select(i => Threshold.Flags(scores[i])).ToArray();

    /// <summary>The name of a detector's source at a false-positive rate, e.g. <c>strip@5%</c>.</summary>
    public static string NameFor(string detector, double falsePositiveRate) => $"{detector}@{falsePositiveRate * 100:0.##}%";
}
