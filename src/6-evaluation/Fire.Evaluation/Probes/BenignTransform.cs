namespace Fire.Evaluation.Probes;

/// <summary>
/// A change that images meet without any attacker (softening, resampling, compression, noise): a probe of whether a
/// backdoor fires without its trigger, and whether its trigger survives. <see cref="Apply"/> maps an (N, C, H, W)
/// batch in [0, 1] to a new batch of the same shape and leaves its input unchanged.
/// </summary>
public sealed record BenignTransform(string Name, string Description, Func<FloatBatch, FloatBatch> Apply);
