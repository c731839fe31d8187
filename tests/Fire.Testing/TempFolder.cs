using System.Text;

namespace Fire.Testing;

/// <summary>A fresh folder under the system temp folder for one test (or one fixture), deleted with everything in it afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix = "fire-tests-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    /// <summary>The full path of <paramref name="relative"/> inside the folder (nothing is created).</summary>
    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public string File(string name) => this[name];

    /// <summary>Writes a file (creating its folder) and returns its full path.</summary>
    public string Write(string relative, byte[] data)
    {
        string full = this[relative];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllBytes(full, data);
        return full;
    }

    public string Write(string relative, string text) => Write(relative, Encoding.UTF8.GetBytes(text));

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { } // a child process may still hold a file for a moment; the system cleans its temp folder
    }
}
