namespace Fire.Guard;

/// <summary>Recognises a guard file by its first bytes (version 2 container or version 1 JSON), for output checks.</summary>
public static class GuardFiles
{
    /// <summary>The extension Fire gives the guard files it names itself. The content, not the name, tells the format:
    /// older guards saved as <c>.json</c> load as before.</summary>
    public const string Extension = ".fire";

    public static bool Recognises(string path)
    {
        var head = FileKinds.Head(path, 4096);
        if (GuardContainer.Matches(head)) return true;
        string text = System.Text.Encoding.UTF8.GetString(head);
        return text.TrimStart().StartsWith('{') && text.Contains($"\"{FireFile.Format}\"", StringComparison.Ordinal);
    }
}
