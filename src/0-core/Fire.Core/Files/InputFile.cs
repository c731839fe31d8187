namespace Fire.Core;

/// <summary>
/// Reads an input file only when it is a regular file with content. A named pipe, a socket or a device reports a
/// size of 0 and would block or never end when read, and an empty data file would load as "no data": all three are
/// refused, before the file is opened, with the path and what to do.
/// </summary>
public static class InputFile
{
    public static byte[] ReadAllBytes(string path)
    {
        Check(path);
        return File.ReadAllBytes(path);
    }

    public static string ReadAllText(string path)
    {
        Check(path);
        return File.ReadAllText(path);
    }

    /// <summary>Throws unless <paramref name="path"/> is a regular, non-empty file.</summary>
    public static void Check(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw Directory.Exists(path)
                ? new FileNotFoundException($"'{path}' is a folder, not a file.", path)
                : new FileNotFoundException($"'{path}' does not exist.", path);
        if (info.Length == 0)
            throw new InvalidDataException($"'{path}' is empty, or not a regular file (a pipe, socket or device): Fire reads only regular files with content. Remove it or replace it with a complete copy.");
    }
}
