using System.Runtime.InteropServices;

namespace Fire.Service.Serving;

/// <summary>What glibc's allocator holds: bytes in use by the program and bytes freed but kept (not given back to the system).</summary>
public readonly record struct NativeHeapUsage(long InUseBytes, long FreeHeldBytes, long MappedBytes);

/// <summary>
/// The native allocator (glibc malloc, which libtorch's CPU tensors use) of a long-running service. Measured in a
/// 2-minute serve-bench run (docs/serving.md): glibc's bytes in use stayed at 70-100 MiB while its freed-but-held bytes
/// grew from 55 to 250 MiB and the working set with them: freed memory stays in the arenas for reuse, and batches of
/// changing sizes and refits fragment them. <see cref="Trim"/> (malloc_trim(0)) gives every free page of every arena
/// back; the service calls it after each guard update and every few seconds from the prediction thread.
/// Between trims the allocator must not give pages back on its own: a page returned and touched again costs a page
/// fault, and a model call of batch 8 allocates megabytes of activations. An earlier fix mapped every block from 128 KiB
/// up on its own (a fixed mmap threshold), so each such activation was mapped, faulted in and unmapped on every call:
/// batch-8 calls of the MNIST small CNN took 31-43 ms instead of 4, and the served throughput at 8 clients fell below
/// the single client's (measured 2026-12-07). <see cref="Configure"/> therefore fixes the mmap threshold at glibc's own
/// ceiling (32 MiB: activations come from the arenas) and raises the trim threshold out of reach (an arena's top is
/// given back only by <see cref="Trim"/>). Elsewhere than glibc (musl, macOS, Windows) these calls do nothing.
/// </summary>
public static class NativeHeap
{
    /// <summary>Blocks from this size up are mapped on their own (glibc's largest dynamic threshold on 64-bit, kept fixed).</summary>
    public const int MmapThresholdBytes = 32 * 1024 * 1024;
    /// <summary>Free memory at an arena's top that glibc would give back by itself: out of reach, so only <see cref="Trim"/> does.</summary>
    public const int TrimThresholdBytes = 1024 * 1024 * 1024;
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_THRESHOLD = -3;
    private static bool _unavailable = !OperatingSystem.IsLinux();
    private static int _configured;

    /// <summary>Fixes glibc's mmap and trim thresholds for this process (once; later calls do nothing); false where glibc's mallopt is missing.</summary>
    public static bool Configure()
    {
        if (_unavailable) return false;
        if (Interlocked.Exchange(ref _configured, 1) == 1) return true;
        try
        {
            bool mapped = mallopt(M_MMAP_THRESHOLD, MmapThresholdBytes) == 1;
            return mallopt(M_TRIM_THRESHOLD, TrimThresholdBytes) == 1 && mapped;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
            return false;
        }
    }

    /// <summary>Gives free pages of every arena back to the system; false where glibc's malloc_trim is missing.</summary>
    public static bool Trim()
    {
        if (_unavailable) return false;
        try
        {
            malloc_trim(0);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
            return false;
        }
    }

    /// <summary>glibc's counters over all arenas (mallinfo2, glibc 2.33 and later); null elsewhere.</summary>
    public static NativeHeapUsage? Usage()
    {
        if (_unavailable) return null;
        try
        {
            var info = mallinfo2();
            return new NativeHeapUsage((long)info.uordblks, (long)info.fordblks, (long)info.hblkhd);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [DllImport("libc")]
    private static extern int malloc_trim(nuint pad);

    [DllImport("libc")]
    private static extern int mallopt(int parameter, int value);

    [DllImport("libc")]
    private static extern MallInfo2 mallinfo2();

    /// <summary>glibc's struct mallinfo2: ten size_t fields, in this order.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena;    // bytes obtained from the system by sbrk (main arena) or mmap'd heaps (other arenas)
        public nuint ordblks;  // free chunks
        public nuint smblks;   // free fastbin chunks
        public nuint hblks;    // mmap'd chunks
        public nuint hblkhd;   // bytes in mmap'd chunks
        public nuint usmblks;  // unused
        public nuint fsmblks;  // bytes in free fastbin chunks
        public nuint uordblks; // bytes in use
        public nuint fordblks; // bytes free (held by the allocator)
        public nuint keepcost; // releasable at the top of the main arena
    }
}
