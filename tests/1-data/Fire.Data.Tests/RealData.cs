namespace Fire.Data.Tests;

/// <summary>The project's copies of the official data sets (../shared/data beside the repository, or $FIRE_DATA).
/// Tests that need them fail with a clear message when they are missing: CI has them.</summary>
public static class RealData
{
    public static string Root
    {
        get
        {
            try
            {
                return DataLocator.Resolve(null);
            }
            catch (DirectoryNotFoundException e)
            {
                throw new InvalidOperationException($"Real-data tests need the shared data sets: {e.Message}", e);
            }
        }
    }

    static readonly Dictionary<string, Lazy<DataSplit>> Loaded =
        Datasets.Names.ToDictionary(name => name, name => new Lazy<DataSplit>(() => Datasets.Load(name, Root)));

    /// <summary>A known data set, loaded once per test run through the decoded-data cache ($FIRE_CACHE or ~/.cache/fire).</summary>
    public static DataSplit Load(string name) => Loaded[name].Value;

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);
}
