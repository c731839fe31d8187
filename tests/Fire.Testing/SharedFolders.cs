namespace Fire.Testing;

/// <summary>
/// The folders beside the repository that tests read: the data sets (<c>FIRE_DATA</c>, else <c>../shared/data</c>) and the
/// models PyTorch made (<c>../shared/models</c>), found from the folder holding Fire.slnx above the test's binaries.
/// </summary>
public static class SharedFolders
{
    public static string Repository { get; } = FindRepository();

    public static string Data { get; } = Environment.GetEnvironmentVariable("FIRE_DATA") is { Length: > 0 } configured
        ? configured
        : Path.GetFullPath(Path.Combine(Repository, "..", "shared", "data"));

    /// <summary>The models PyTorch made (<c>FIRE_MODELS</c>, else <c>../shared/models</c>); an error saying so where it is missing.</summary>
    public static string Models => Environment.GetEnvironmentVariable("FIRE_MODELS") is { Length: > 0 } configured ? configured
        : Directory.Exists(DefaultModels) ? DefaultModels
        : throw new DirectoryNotFoundException($"The shared test models are missing: no {DefaultModels} (see ../shared/models/README.md), and FIRE_MODELS is unset.");

    private static string DefaultModels => Path.GetFullPath(Path.Combine(Repository, "..", "shared", "models"));

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Fire.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No Fire.slnx above {AppContext.BaseDirectory}: run the tests from the repository, or set FIRE_DATA.");
    }
}
