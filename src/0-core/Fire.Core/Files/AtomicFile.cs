using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Fire.Core;

/// <summary>
/// Fire's one way to make a saved state durable. <see cref="Write"/> replaces one file all at once: the content goes
/// to a temporary file in the same folder, is flushed to disk, renamed over the target, and the folder is flushed so
/// the rename itself survives a power cut. <see cref="WriteAll"/> does the same for a group of files that belong
/// together (a checkpoint's weights, optimizer state and sidecar) with one commit point: every part is staged under a
/// temporary name, then a small journal listing the renames is renamed into place (the commit), then the renames run
/// and the journal is removed. <see cref="Recover"/>, called by readers and the next writer, finishes the renames of a
/// committed journal that a killed process left, so a reader never sees a mix of two saves, and removes the
/// temporaries of processes that are gone.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Appended to a group's first path to name its journal while a <see cref="WriteAll"/> is being applied.</summary>
    public const string JournalSuffix = ".commit";
    private const string JournalEnd = "end";

    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = Stage(full, write);
        try
        {
            File.Move(temporary, full, overwrite: true);
            FlushFolder(full);
        }
        finally
        {
            File.Delete(temporary); // a no-op once renamed
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark), atomically, as <see cref="Write"/> does.</summary>
    public static void WriteText(string path, string text) =>
        Write(path, stream => stream.Write(new System.Text.UTF8Encoding(false).GetBytes(text)));

    /// <summary>
    /// Replaces every file of a group as one unit: a file whose write action is null is removed. All paths must lie in
    /// one folder; the first names the group (its journal is <c>first + .commit</c>). Until the commit a failure or a kill
    /// leaves the previous group as it was; after it, <see cref="Recover"/> completes the new one.
    /// </summary>
    public static void WriteAll(IReadOnlyList<(string Path, Action<Stream>? Write)> files)
    {
        if (files.Count == 0) throw new ArgumentException("No files to write.", nameof(files));
        var full = files.Select(f => Path.GetFullPath(f.Path)).ToArray();
        string folder = Path.GetDirectoryName(full[0])!;
        if (full.Any(p => Path.GetDirectoryName(p) != folder))
            throw new ArgumentException($"The files of one atomic save must share a folder: {string.Join(", ", full)}.", nameof(files));
        Directory.CreateDirectory(folder);
        Recover(full);

        var staged = new List<string>();
        try
        {
            var lines = new List<string>();
            for (int i = 0; i < files.Count; i++)
            {
                if (files[i].Write is { } write)
                {
                    string temporary = Stage(full[i], write);
                    staged.Add(temporary);
                    lines.Add($"rename\t{Path.GetFileName(temporary)}\t{Path.GetFileName(full[i])}");
                }
                else lines.Add($"delete\t{Path.GetFileName(full[i])}");
            }
            lines.Add(JournalEnd);
            string journal = full[0] + JournalSuffix;
            Write(journal, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"))); // the commit point
            Apply(journal);
        }
        finally
        {
            foreach (var temporary in staged) File.Delete(temporary); // no-op for the renamed ones
        }
    }

    /// <summary>
    /// Brings the group named by <paramref name="paths"/> (the same paths, first first, as its <see cref="WriteAll"/>) to a
    /// consistent state: a committed journal is applied, and temporaries of these files left by processes that no longer
    /// run are removed. Cheap when there is nothing to do.
    /// </summary>
    public static void Recover(params string[] paths)
    {
        var full = paths.Select(Path.GetFullPath).ToArray();
        string journal = full[0] + JournalSuffix;
        if (File.Exists(journal)) Apply(journal);
        RemoveDeadTemporaries([.. full, journal]);
    }

    /// <summary>Removes the temporaries of <paramref name="paths"/> whose writing process is gone (a killed run's leftovers).</summary>
    public static void RemoveDeadTemporaries(params string[] paths)
    {
        foreach (var group in paths.Select(Path.GetFullPath).GroupBy(p => Path.GetDirectoryName(p)!))
        {
            if (!Directory.Exists(group.Key)) continue;
            var targets = group.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
            foreach (var file in Directory.EnumerateFiles(group.Key, "*.tmp"))
            {
                var match = TemporaryName().Match(Path.GetFileName(file));
                if (!match.Success || !targets.Contains(match.Groups["target"].Value)) continue;
                if (IsRunning(int.Parse(match.Groups["pid"].Value))) continue;
                try { File.Delete(file); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // a read-only folder keeps them; harmless
            }
        }
    }

    /// <summary>Whether <paramref name="path"/> is a temporary file of an atomic write (never an input or an output).</summary>
    public static bool IsTemporary(string path) => TemporaryName().IsMatch(Path.GetFileName(path));

    // Runs the renames and removals a committed journal lists, then removes it. Idempotent: a part already moved is skipped,
    // so a run killed half way, or a reader racing the writer, finishes the same group.
    private static void Apply(string journal)
    {
        string folder = Path.GetDirectoryName(journal)!;
        string[] lines;
        try { lines = File.ReadAllLines(journal); }
        catch (FileNotFoundException) { return; } // another process finished it
        if (lines.Length == 0 || lines[^1] != JournalEnd)
            throw new InvalidDataException($"The save journal '{journal}' is damaged (it was not written by Fire's atomic save). Remove it and check the files beside it.");
        try
        {
            foreach (var line in lines[..^1])
            {
                var parts = line.Split('\t');
                switch (parts)
                {
                    case ["rename", var from, var to]:
                        try { File.Move(Path.Combine(folder, from), Path.Combine(folder, to), overwrite: true); }
                        catch (FileNotFoundException) { } // moved already
                        break;
                    case ["delete", var name]:
                        File.Delete(Path.Combine(folder, name));
                        break;
                    default:
                        throw new InvalidDataException($"The save journal '{journal}' has an unknown line '{line}'. Remove it and check the files beside it.");
                }
            }
            FlushFolder(journal);
            File.Delete(journal);
            FlushFolder(journal);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException(
                $"A save to '{folder}' was interrupted and must be completed, but this process may not write there ({e.Message}). Run the command once with write access to that folder.", e);
        }
    }

    // Writes a temporary beside the target, flushed to disk; returns its path. Its name carries the writer's process id
    // so that a later run can tell a dead writer's leftovers from a live writer's work.
    private static string Stage(string full, Action<Stream> write)
    {
        string temporary = $"{full}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            write(stream);
            stream.Flush(flushToDisk: true);
            return temporary;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
    }

    /// <summary>Flushes the folder holding <paramref name="path"/>, so that renames and removals in it are durable.</summary>
    private static void FlushFolder(string path)
    {
        if (OperatingSystem.IsWindows()) return; // NTFS renames are journalled; folders cannot be opened for fsync there
        int fd = open(Path.GetDirectoryName(Path.GetFullPath(path))!, 0 /* O_RDONLY */);
        if (fd < 0) return; // best effort: the rename has happened, only its durability on a power cut is at stake
        fsync(fd);
        close(fd);
    }

    [GeneratedRegex(@"^(?<target>.+)\.(?<pid>\d{1,9})\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex TemporaryName();

    [DllImport("libc", SetLastError = true)] private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
    [DllImport("libc", SetLastError = true)] private static extern int fsync(int fd);
    [DllImport("libc")] private static extern int close(int fd);
}
