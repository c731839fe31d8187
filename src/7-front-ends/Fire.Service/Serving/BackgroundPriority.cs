using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Fire.Service.Serving;

/// <summary>
/// One long-lived thread for guard updates, at a lower scheduling priority (Linux nice +4), so that on a machine with
/// few cores the prediction thread gets the CPU first and an update takes only what predictions leave. Not lower: the
/// nice value also weighs the thread against every other process, and at nice +10 on a machine shared with other jobs
/// (load average 30-40 on 2 cores) the update thread got about 1/10 of a normal thread's share: a plain update of
/// 0.2 s of CPU took 3-4 s and the first one after loading (1.5 s of CPU) 17 s. One thread, not
/// one per update: engines keep per-thread state (libtorch's allocator and kernel caches), so every new thread that runs
/// the model costs memory that a long run would keep adding. Elsewhere than Linux the thread runs at normal priority.
/// </summary>
public sealed class BackgroundPriority : IDisposable
{
    public const int Niceness = 4;
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;

    /// <param name="niceness">How much lower than normal (Linux nice; 0 keeps normal priority).</param>
    public BackgroundPriority(string name, int niceness = Niceness)
    {
        _thread = new Thread(() =>
        {
            if (niceness != 0) Lower(niceness);
            foreach (var item in _work.GetConsumingEnumerable()) item();
        }) { IsBackground = true, Name = name };
        _thread.Start();
    }

    public Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        if (Thread.CurrentThread != _thread) _thread.Join();
        _work.Dispose();
    }

    private static void Lower(int niceness)
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            setpriority(0 /* PRIO_PROCESS: on Linux, given a thread id, that one thread */, gettid(), niceness);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // An unusual libc: normal priority.
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int priority);

    [DllImport("libc")]
    private static extern int gettid();
}
