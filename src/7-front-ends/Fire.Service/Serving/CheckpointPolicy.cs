namespace Fire.Service.Serving;

/// <summary>
/// When the served guard is saved. Every acknowledged flag is already in the journal (synced before the answer), so the
/// saved guard is only a checkpoint that bounds the replay at the next start. Saving the whole guard (its clean
/// reference and samples: megabytes) after every flag made each flag cost 0.5-2.5 s; now a checkpoint is written after
/// <see cref="MaxUpdates"/> unsaved updates, at most <see cref="MaxDelay"/> after the first unsaved one, after every run
/// of the automatic choice (costly to replay), after a replay at start, and on a clean stop. A kill loses nothing:
/// the next start loads the last checkpoint and replays the journal past it, deciding exactly as the lost updates did.
/// </summary>
public sealed record CheckpointPolicy
{
    /// <summary>Updates (accepted flag requests) after which the guard is saved at once.</summary>
    public int MaxUpdates { get; init; } = 64;
    /// <summary>Longest time an update stays unsaved (the journal holds it meanwhile).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The guard saved after every update (the behaviour before checkpoints).</summary>
    public static CheckpointPolicy EveryUpdate { get; } = new() { MaxUpdates = 1 };

    public void Validate()
    {
        if (MaxUpdates < 1) throw new ArgumentOutOfRangeException(nameof(MaxUpdates), $"--save-every: at least 1 flag request, got {MaxUpdates}.");
        if (MaxDelay <= TimeSpan.Zero || MaxDelay > TimeSpan.FromHours(1))
            throw new ArgumentOutOfRangeException(nameof(MaxDelay), $"--save-seconds: more than 0 and at most 3600, got {MaxDelay.TotalSeconds}.");
    }
}
