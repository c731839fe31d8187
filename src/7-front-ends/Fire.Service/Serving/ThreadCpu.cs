using System.Runtime.InteropServices;

namespace Fire.Service.Serving;

/// <summary>
/// CPU time of the calling thread (Linux: clock_gettime(CLOCK_THREAD_CPUTIME_ID)). On a machine shared with other jobs an
/// update's wall time says more about the machine's load than about the update; its CPU time is what it costs.
/// NaN where the clock is missing.
/// </summary>
public static class ThreadCpu
{
    private const int ClockThreadCpuTime = 3;
    private static bool _unavailable = !OperatingSystem.IsLinux();

    public static double Seconds()
    {
        if (_unavailable) return double.NaN;
        try
        {
            return clock_gettime(ClockThreadCpuTime, out var time) == 0 ? time.Seconds + time.Nanoseconds * 1e-9 : double.NaN;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
            return double.NaN;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc")]
    private static extern int clock_gettime(int clock, out TimeSpec time);
}
