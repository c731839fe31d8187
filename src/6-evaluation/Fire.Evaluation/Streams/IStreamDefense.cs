using Fire.Guard;

namespace Fire.Evaluation.Streams;

/// <summary>A defense that answers stream inputs and learns from the flagged ones (FIRE; a fake in tests).</summary>
public interface IStreamDefense
{
    /// <summary>The labels the defense gives <paramref name="images"/> now.</summary>
    int[] Predict(FloatBatch images);

    /// <summary>Learns from inputs flagged as triggered (never called with an empty batch).</summary>
    void Observe(FloatBatch flagged);

    /// <summary>What the defense does now, for progress lines (e.g. FIRE's plan).</summary>
    string Describe();
}

/// <summary>
/// FIRE on a stream through its own public API: <see cref="FireGuard.Observe"/> adds the flagged inputs as unpaired
/// samples and re-runs the automatic choice (with its false-flag safeguards) whenever the observed count has doubled;
/// <see cref="FireGuard.Predict"/> answers with the plan of the moment.
/// </summary>
public sealed class FireStreamDefense(FireGuard guard) : IStreamDefense
{
    public FireGuard Guard { get; } = guard;
    public int[] Predict(FloatBatch images) => Guard.Predict(images).Labels;
    public void Observe(FloatBatch flagged) => Guard.Observe(flagged);
    public string Describe() => $"{Guard.ObservedCount} observed; {Guard.Plan}";
}
