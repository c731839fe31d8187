namespace Fire.Core;

/// <summary>
/// The checks every command that writes runs on its output paths, in one line: an output may never be one of the
/// command's inputs or lie inside an input folder (a wrong --out must not destroy the data it reads), an existing file
/// is replaced only when it is of the kind the command writes (or with --force), and a folder output must be absent
/// or empty (or --force), so that two exports are never merged. Errors name the option, the path and what to do.
/// </summary>
public static class OutputPaths
{
    /// <summary>
    /// Checks a file output given by <paramref name="option"/>. <paramref name="isOwnKind"/> tells whether an existing
    /// file there is one this command writes (and may be replaced), <paramref name="kind"/> names that kind in messages.
    /// Returns the full path.
    /// </summary>
    public static string CheckFile(string output, string option, IEnumerable<string?> inputs, string kind, Func<string, bool> isOwnKind, bool force = false)
    {
        string full = Resolve(output);
        if (Directory.Exists(full))
            throw new IOException($"{option} '{output}' is a folder; give the path of the {kind} to write, for instance '{Path.Combine(output, "out")}'.");
        CheckAgainstInputs(full, output, option, inputs);
        if (File.Exists(full) && !force && !IsReplaceable(full, isOwnKind))
            throw new IOException($"{option} '{output}' exists and is not a {kind}; refusing to overwrite it. Choose another path, or add --force to replace it.");
        return full;
    }

    /// <summary>Checks a folder output: absent or empty unless <paramref name="force"/>, and neither an input nor inside or around one.</summary>
    public static string CheckFolder(string output, string option, IEnumerable<string?> inputs, bool force = false)
    {
        string full = Resolve(output);
        if (File.Exists(full)) throw new IOException($"{option} '{output}' is a file; give a folder to write into.");
        CheckAgainstInputs(full, output, option, inputs);
        foreach (var input in Inputs(inputs))
            if (IsInside(input, full))
                throw new IOException($"{option} '{output}' holds the input '{input}'; writing there would mix outputs with inputs. Give a separate folder.");
        if (!force && Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
            throw new IOException($"{option} '{output}' is not empty; writing into it would merge two outputs. Give an empty or new folder, or add --force to write into it anyway.");
        return full;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> itself or lies inside it (full, resolved paths).</summary>
    public static bool IsInside(string path, string folder)
    {
        string trimmed = Path.TrimEndingDirectorySeparator(folder);
        return string.Equals(path, trimmed, StringComparison.Ordinal)
               || path.StartsWith(trimmed + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static void CheckAgainstInputs(string full, string output, string option, IEnumerable<string?> inputs)
    {
        foreach (var input in Inputs(inputs))
        {
            if (full == input)
                throw new IOException($"{option} '{output}' is an input of this command; writing there would destroy it. Give another path.");
            if (Directory.Exists(input) && IsInside(full, input))
                throw new IOException($"{option} '{output}' lies inside the input folder '{input}'; writing there would change the input. Give a path outside it.");
        }
    }

    private static IEnumerable<string> Inputs(IEnumerable<string?> inputs) =>
        inputs.Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => Resolve(i!)).Where(i => File.Exists(i) || Directory.Exists(i));

    // Full path with symbolic links resolved where they exist, so that a link cannot disguise an input.
    private static string Resolve(string path)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (full.Length == 0) return Path.GetFullPath(path);
        try
        {
            FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
            if (info.Exists && info.ResolveLinkTarget(returnFinalTarget: true) is { } target) return Path.TrimEndingDirectorySeparator(target.FullName);
            string? parent = Path.GetDirectoryName(full);
            if (parent is not null && parent != full && Directory.Exists(parent))
            {
                var resolvedParent = new DirectoryInfo(parent).ResolveLinkTarget(returnFinalTarget: true)?.FullName;
                if (resolvedParent is not null) return Path.Combine(resolvedParent, Path.GetFileName(full));
            }
        }
        catch (IOException) { }
        return full;
    }

    private static bool IsReplaceable(string full, Func<string, bool> isOwnKind)
    {
        try { return new FileInfo(full).Length == 0 || isOwnKind(full); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
