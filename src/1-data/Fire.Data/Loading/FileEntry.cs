namespace Fire.Data.Loading;

/// <summary>One file read from a folder or an archive.</summary>
/// <param name="Path">Path relative to the folder or archive root, '/' separated.</param>
/// <param name="Display">How error messages name it: a full path, or "entry in archive".</param>
internal sealed record FileEntry(string Path, string Display, byte[] Data)
{
    public string FileName => Path[(Path.LastIndexOf('/') + 1)..];
}
