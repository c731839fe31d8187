using System.Text.Json;

namespace Fire.Service.State;

/// <summary>One version of the served guard: when it was made, from how many flags, and what the update decided.</summary>
public sealed record GuardVersion(int Version, DateTimeOffset Time, int ObservedCount, long JournalSeq, bool Reselected, string Decision, string Plan);

/// <summary>
/// <c>state.json</c> in the state folder: which saved guard file is current, the journal entries it includes, the
/// guard it all started from, and the history of versions. Written atomically after the guard file it names, so the
/// pair is always consistent: a crash between the two leaves an orphan guard file that the next start deletes.
/// </summary>
public sealed record ServiceState(string Format, int Version, string GuardFile, long JournalSeq, string Origin, List<GuardVersion> History)
{
    public const string FileName = "state.json";
    public const string FormatName = "fire-serve-state";

    public static ServiceState? Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        ServiceState? state;
        try
        {
            state = JsonSerializer.Deserialize<ServiceState>(File.ReadAllText(path), FireJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a fire serve state file ({e.Message}). Use another --state folder or restore this one.", e);
        }
        if (state is null || state.Format != FormatName || state.GuardFile is null || state.History is null || state.Origin is null)
            throw new InvalidDataException($"{path}: not a fire serve state file (format '{state?.Format}'). Use another --state folder.");
        if (state.Version < 0 || state.JournalSeq < 0 || state.GuardFile.Contains('/') || state.GuardFile.Contains('\\'))
            throw new InvalidDataException($"{path}: version {state.Version}, journal position {state.JournalSeq} or guard file '{state.GuardFile}' is out of range.");
        return state;
    }

    public void Write(string directory) =>
        AtomicFile.Write(Path.Combine(directory, FileName), stream => JsonSerializer.Serialize(stream, this, FireJson.Options));
}
