using System.Diagnostics;

namespace Fire.Evaluation.Latency;

/// <summary>Where latency measurements read the time; tests inject a fake clock to check the statistics exactly.</summary>
public interface ITimingSource
{
    /// <summary>A monotonic timestamp in ticks.</summary>
    long Now();
    double TicksPerMillisecond { get; }
}

/// <summary>The real clock: <see cref="Stopwatch"/>'s high-resolution timestamp.</summary>
public sealed class StopwatchTimingSource : ITimingSource
{
    public static readonly StopwatchTimingSource Instance = new();
    public long Now() => Stopwatch.GetTimestamp();
    public double TicksPerMillisecond => Stopwatch.Frequency / 1000.0;
}
