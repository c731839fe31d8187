namespace Fire.Data;

/// <summary>Finds the folder that holds the data sets: the --data option, else $FIRE_DATA, else ../shared/data beside
/// the repository (found by walking up from the program and from the current folder to Fire.slnx or .git).</summary>
public static class DataLocator
{
    public const string EnvironmentVariable = "FIRE_DATA";

    /// <summary>Where the official releases come from, for error messages.</summary>
    public const string DownloadHelp =
        "Put the official releases in one folder (cifar10/, gtsrb/, mnist/, fashion-mnist/) and pass it with --data or " +
        "the FIRE_DATA environment variable. Downloads: CIFAR-10 https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz ; " +
        "GTSRB https://benchmark.ini.rub.de/gtsrb_dataset.html ; MNIST https://yann.lecun.com/exdb/mnist/ ; " +
        "Fashion-MNIST https://github.com/zalandoresearch/fashion-mnist";

    /// <exception cref="DirectoryNotFoundException">No data folder was given or found, or the one given does not exist.</exception>
    public static string Resolve(string? dataOption) =>
        Resolve(dataOption, Environment.GetEnvironmentVariable(EnvironmentVariable),
                [AppContext.BaseDirectory, Directory.GetCurrentDirectory()]);

    internal static string Resolve(string? dataOption, string? environmentValue, IEnumerable<string> searchStarts)
    {
        if (!string.IsNullOrWhiteSpace(dataOption)) return Existing(dataOption, "--data");
        if (!string.IsNullOrWhiteSpace(environmentValue)) return Existing(environmentValue, $"${EnvironmentVariable}");
        foreach (string start in searchStarts)
        {
            string? repository = FindRepositoryRoot(start);
            if (repository is null) continue;
            string shared = Path.GetFullPath(Path.Combine(repository, "..", "shared", "data"));
            if (Directory.Exists(shared)) return shared;
        }
        throw new DirectoryNotFoundException(
            $"No data folder: --data was not given, ${EnvironmentVariable} is not set and there is no ../shared/data " +
            $"beside the repository. {DownloadHelp}");
    }

    /// <summary>The nearest folder at or above <paramref name="start"/> that holds Fire.slnx or .git, or null.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(Path.GetFullPath(start)); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Fire.slnx")) || Path.Exists(Path.Combine(directory.FullName, ".git")))
                return directory.FullName;
        return null;
    }

    static string Existing(string path, string origin)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full) || File.Exists(full)) return full;
        throw new DirectoryNotFoundException($"The data folder {full} (from {origin}) does not exist. {DownloadHelp}");
    }
}
