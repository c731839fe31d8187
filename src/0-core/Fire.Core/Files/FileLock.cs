using System.Diagnostics;

namespace Fire.Core;

/// <summary>
/// An exclusive lock for one writer of a file that is updated in place (a guard, a training state): the lock file
/// <c>path.lock</c> is held open exclusively, which the operating system releases when the holder ends in any way, kill -9
/// included, so a lock is never stale; <c>path.lock.holder</c> says who holds it (process id, start, command) for the
/// message a second writer gets. A second writer waits up to a timeout, then fails naming the holder.
/// </summary>
public sealed class FileLock : IDisposable
{
    public const string Suffix = ".lock";
    private readonly FileStream _stream;
    private readonly string _holderPath;

    private FileLock(FileStream stream, string holderPath)
    {
        _stream = stream;
        _holderPath = holderPath;
    }

    /// <summary>
    /// Takes the lock on <paramref name="path"/>, waiting up to <paramref name="wait"/> while another process holds it
    /// (<paramref name="onWait"/> is told once, with the holder's description).
    /// </summary>
    public static FileLock Acquire(string path, TimeSpan wait, Action<string>? onWait = null)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string lockPath = full + Suffix, holderPath = lockPath + ".holder";
        var clock = Stopwatch.StartNew();
        bool told = false;
        while (true)
        {
            try
            {
                var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                File.WriteAllText(holderPath, $"process {Environment.ProcessId} since {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z ({string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Take(4))})\n");
                return new FileLock(stream, holderPath);
            }
            catch (IOException) when (File.Exists(lockPath))
            {
                string holder = Holder(holderPath);
                if (clock.Elapsed >= wait)
                    throw new IOException($"'{full}' is being updated by another Fire run ({holder}); it holds '{lockPath}'. Wait for it to finish, or stop it, then run again.");
                if (!told) onWait?.Invoke($"'{full}' is being updated by another Fire run ({holder}); waiting for it to finish.");
                told = true;
                Thread.Sleep(100);
            }
        }
    }

    private static string Holder(string holderPath)
    {
        try { return File.ReadAllText(holderPath).Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "process unknown"; }
    }

    public void Dispose()
    {
        try { File.Delete(_holderPath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        _stream.Dispose(); // releases the lock; the empty lock file stays, harmless and reused
    }
}
