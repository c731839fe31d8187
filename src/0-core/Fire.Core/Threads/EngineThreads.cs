using System.Globalization;

namespace Fire.Core;

/// <summary>
/// How many intra-op threads an engine should use when the user does not say. libtorch's workers spin-wait, so a thread
/// count above the cores actually free collapses throughput instead of raising it: on the 2-core project machine with
/// another job running, 2 threads trained the small CNN at 87-139 img/s against 450-580 with 1, and a batch-1 call took
/// 152 ms instead of 0.6 (shared/notes/platform.md). The choice is therefore the cores free now: the cores this
/// process may use (cgroup-aware) minus the load others already put on them (the 1-minute load average, rounded)
/// minus the cores the caller keeps for other work (a server's HTTP and update threads), and at least 1.
/// </summary>
public static class EngineThreads
{
    /// <summary>The thread count for an engine: <paramref name="requested"/> when given, else the cores free now less <paramref name="reservedCores"/>.</summary>
    public static int Choose(int? requested = null, int reservedCores = 0) =>
        requested ?? Free(Environment.ProcessorCount, LoadAverage(), reservedCores);

    /// <summary>The formula alone: <paramref name="cores"/> minus the rounded <paramref name="load"/> and <paramref name="reservedCores"/>, clamped to [1, cores].</summary>
    public static int Free(int cores, double load, int reservedCores)
    {
        if (cores < 1) throw new ArgumentOutOfRangeException(nameof(cores), $"A machine has at least one core, got {cores}.");
        double busy = double.IsFinite(load) && load > 0 ? Math.Round(load, MidpointRounding.AwayFromZero) : 0;
        return (int)Math.Clamp(cores - busy - Math.Max(0, reservedCores), 1, cores);
    }

    /// <summary>The 1-minute load average from /proc/loadavg; 0 where the file does not exist (not Linux) or cannot be read.</summary>
    public static double LoadAverage(string path = "/proc/loadavg")
    {
        try
        {
            if (!File.Exists(path)) return 0;
            var first = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out double load) && double.IsFinite(load) && load >= 0 ? load : 0;
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
