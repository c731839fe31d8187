namespace Fire.Service.Serving;

/// <summary>Guard updates of one kind: how many, and their summed wall and CPU seconds.</summary>
public sealed record UpdateCost(int Count, double WallSeconds, double CpuSeconds)
{
    public UpdateCost Add(double wallSeconds, double cpuSeconds) => new(Count + 1, WallSeconds + wallSeconds, CpuSeconds + cpuSeconds);
    public UpdateCost Since(UpdateCost earlier) => new(Count - earlier.Count, WallSeconds - earlier.WallSeconds, CpuSeconds - earlier.CpuSeconds);
}

/// <summary>What guard updates cost so far: plain updates (directions and statistics refreshed) and re-selections (the automatic choice ran).</summary>
public sealed record UpdateCosts(UpdateCost Plain, UpdateCost Reselections)
{
    public UpdateCosts Add(bool reselected, double wallSeconds, double cpuSeconds) =>
        reselected ? this with { Reselections = Reselections.Add(wallSeconds, cpuSeconds) } : this with { Plain = Plain.Add(wallSeconds, cpuSeconds) };

    /// <summary>The updates after <paramref name="earlier"/> (a reading of the same host).</summary>
    public UpdateCosts Since(UpdateCosts earlier) => new(Plain.Since(earlier.Plain), Reselections.Since(earlier.Reselections));
}
