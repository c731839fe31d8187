using Fire.Data;

namespace Fire.Cli.Commands;

/// <summary>Where a data set lies on disk, for the output checks (null when it cannot be located: loading reports that).</summary>
internal static class DataInputs
{
    public static string? PathOf(string dataset, string? dataRoot)
    {
        try { return Datasets.Locate(dataset, dataRoot).Path; }
        catch (Exception e) when (e is IOException or ArgumentException) { return null; }
    }
}
