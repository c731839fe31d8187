using System.Diagnostics;
using Fire.Service.Serving;
using Fire.Service.State;
using Fire.Service.TestHost;

namespace Fire.Service.Tests;

/// <summary>
/// Coalesced guard saves: flags between checkpoints live in the journal only, and what a kill leaves on disk replays to
/// the same guard; a checkpoint is written after N updates, after a delay, after a re-selection and on a clean stop.
/// </summary>
public class CheckpointTests
{
    private static (string Guard, string State) NewFolder()
    {
        string directory = Path.Combine(Path.GetTempPath(), "fire-serve-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string guard = Path.Combine(directory, "guard.json");
        ToyBackdoor.SaveFreshGuard(guard);
        return (guard, Path.Combine(directory, "state"));
    }

    // k doubles at flags 1, 2 and 4 (one image each, 1 -> 2 -> 4 observed): re-selections, each saved at once.
    private static FloatBatch FlagImage(int i) => ToyBackdoor.Images([1 + i % 2], 700 + i, triggered: true);

    private static long SavedJournalSeq(string state) => ServiceState.Read(state)!.JournalSeq;

    [Fact]
    public async Task UpdatesBetweenCheckpointsStayInTheJournalAndAKillReplaysThemToTheSameGuard()
    {
        var (guard, state) = NewFolder();
        var policy = new CheckpointPolicy { MaxUpdates = 5, MaxDelay = TimeSpan.FromHours(1) };
        using var host = GuardHost.Open(new ToyBackdoor(), guard, state, policy);
        var outcomes = new List<FlagOutcome>();
        for (int i = 0; i < 7; i++) outcomes.Add(await host.FlagAsync(FlagImage(i), "reviewer", null, null, CancellationToken.None));
        // Re-selections at versions 1, 2 and 4 (k = 1, 2, 4) were saved; 5, 6 and 7 are only in the journal (5 < MaxUpdates since 4).
        Assert.Equal([true, true, false, true, false, false, false], outcomes.Select(o => o.Reselected));
        Assert.Equal(4, SavedJournalSeq(state));
        Assert.Equal(["guard-v000004.json"], Directory.GetFiles(state, "guard-v*.json").Select(Path.GetFileName));
        Assert.Equal(3, host.Checkpoints);

        // A kill -9 leaves exactly these files (every write before an answer is synced): copy them and start from the copy.
        string killed = state + "-killed";
        Directory.CreateDirectory(killed);
        foreach (var file in Directory.GetFiles(state).Where(f => Path.GetFileName(f) != "serve.lock"))
            File.Copy(file, Path.Combine(killed, Path.GetFileName(file)));
        using var restarted = GuardHost.Open(new ToyBackdoor(), guard, killed, policy);
        Assert.Equal((3, 7, 7), (restarted.Replayed, restarted.Snapshot.Version, restarted.Snapshot.ObservedCount));
        Assert.Equal(host.Snapshot.Plan.ToString(), restarted.Snapshot.Plan.ToString());
        Assert.Equal(host.History.Select(h => (h.Version, h.ObservedCount, h.Decision, h.Plan)), restarted.History.Select(h => (h.Version, h.ObservedCount, h.Decision, h.Plan)));
        Assert.Equal(7, SavedJournalSeq(killed)); // the replay was saved: a second restart replays nothing
        // The audit log had every answered request; the replay adds no second record for them.
        Assert.Equal(7, File.ReadLines(Path.Combine(killed, AuditLog.FileName)).Count());
    }

    [Fact]
    public async Task AnUnsavedUpdateIsSavedOnceItIsOlderThanTheDelay()
    {
        var (guard, state) = NewFolder();
        using var host = GuardHost.Open(new ToyBackdoor(), guard, state, new CheckpointPolicy { MaxUpdates = 100, MaxDelay = TimeSpan.FromMilliseconds(300) });
        for (int i = 0; i < 3; i++) await host.FlagAsync(FlagImage(i), "reviewer", null, null, CancellationToken.None); // 1, 2: re-selections, saved
        Assert.Equal(2, SavedJournalSeq(state));
        var clock = Stopwatch.StartNew();
        // state.json moves on first, then the previous checkpoint is deleted.
        while ((SavedJournalSeq(state) < 3 || Directory.GetFiles(state, "guard-v*.json").Length > 1) && clock.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(50);
        Assert.Equal(3, SavedJournalSeq(state));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(200), $"Saved after {clock.Elapsed.TotalMilliseconds:F0} ms, before the 300 ms delay.");
        Assert.Equal(["guard-v000003.json"], Directory.GetFiles(state, "guard-v*.json").Select(Path.GetFileName));
    }

    [Fact]
    public async Task ACleanStopSavesWhatIsUnsaved()
    {
        var (guard, state) = NewFolder();
        var policy = new CheckpointPolicy { MaxUpdates = 100, MaxDelay = TimeSpan.FromHours(1) };
        using (var host = GuardHost.Open(new ToyBackdoor(), guard, state, policy))
            for (int i = 0; i < 3; i++) await host.FlagAsync(FlagImage(i), "reviewer", null, null, CancellationToken.None);
        Assert.Equal(3, SavedJournalSeq(state));
        using var reopened = GuardHost.Open(new ToyBackdoor(), guard, state, policy);
        Assert.Equal((0, 3), (reopened.Replayed, reopened.Snapshot.Version));
    }

    [Fact]
    public void ThePolicyRefusesCountsAndDelaysOutOfRange()
    {
        Assert.Contains("--save-every", Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointPolicy { MaxUpdates = 0 }.Validate()).Message);
        Assert.Contains("--save-seconds", Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointPolicy { MaxDelay = TimeSpan.Zero }.Validate()).Message);
    }
}
