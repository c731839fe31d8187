using System.IO.Hashing;
using System.Text;

namespace Fire.Data.Caching;

/// <summary>A short hash of what a data set was read from: the size and modification time of the file, or of every
/// file under the folder, so any change (a file replaced, added or removed) gives a new cache key.</summary>
internal static class SourceFingerprint
{
    public static string Of(string path)
    {
        var text = new StringBuilder();
        if (File.Exists(path))
            Append(text, Path.GetFileName(path), new FileInfo(path));
        else if (Directory.Exists(path))
        {
            var files = new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories)
                .Select(file => (relative: Path.GetRelativePath(path, file.FullName), file))
                .OrderBy(f => f.relative, StringComparer.Ordinal);
            foreach (var (relative, file) in files) Append(text, relative, file);
        }
        else throw new FileNotFoundException($"Not found: {path}", path);
        return Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(text.ToString())));
    }

    static void Append(StringBuilder text, string name, FileInfo file) =>
        text.Append(name).Append('\t').Append(file.Length).Append('\t').Append(file.LastWriteTimeUtc.Ticks).Append('\n');
}
