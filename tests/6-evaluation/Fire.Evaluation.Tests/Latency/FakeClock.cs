using Fire.Evaluation.Latency;

namespace Fire.Evaluation.Tests.Latency;

/// <summary>A clock that only moves when told to: timed functions advance it by known durations.</summary>
internal sealed class FakeClock : ITimingSource
{
    private long _ticks;
    public long Now() => _ticks;
    public double TicksPerMillisecond => 1000; // one tick per microsecond
    public void Advance(double ms) => _ticks += (long)Math.Round(ms * TicksPerMillisecond);
}
