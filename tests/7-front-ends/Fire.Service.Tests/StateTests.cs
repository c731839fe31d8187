using System.Text;
using Fire.Service.Serving;
using Fire.Service.State;
using Fire.Service.TestHost;

namespace Fire.Service.Tests;

/// <summary>The state folder: restarts keep every flag, the journal is replayed past the saved guard, damage is told apart from a cut-off append.</summary>
public class StateTests
{
    private static string NewDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "fire-serve-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    [Fact]
    public async Task ARestartServesTheSameVersionAndPlan()
    {
        var service = await TestService.StartAsync();
        await EndpointTests.Flag(service, ToyBackdoor.Images(ToyBackdoor.Labels(4, nonTarget: true), 3, triggered: true), "a", null);
        await EndpointTests.Flag(service, ToyBackdoor.Images(ToyBackdoor.Labels(2, nonTarget: true), 4, triggered: true), "b", null);
        var plan = service.Host.Snapshot.Plan.ToString();
        await service.StopAsync();
        Assert.Single(Directory.GetFiles(service.StateDirectory, "guard-v*.json"));

        await using var restarted = await TestService.StartAsync(directory: service.Directory);
        Assert.Equal((2, 6, plan, 0), (restarted.Host.Snapshot.Version, restarted.Host.Snapshot.ObservedCount, restarted.Host.Snapshot.Plan.ToString(), restarted.Host.Replayed));
        Assert.Equal([0, 1, 2], restarted.Host.History.Select(h => h.Version));
    }

    [Fact]
    public void JournalEntriesPastTheSavedGuardAreReplayedAndAudited()
    {
        string directory = NewDirectory();
        string guard = Path.Combine(directory, "guard.json");
        ToyBackdoor.SaveFreshGuard(guard);
        string state = Path.Combine(directory, "state");
        using (var host = GuardHost.Open(new ToyBackdoor(), guard, state)) { }
        // A flag journaled and synced, then a crash before the guard was updated:
        var flags = ToyBackdoor.Images(ToyBackdoor.Labels(3, nonTarget: true), 8, triggered: true);
        using (var journal = FlagJournal.Open(state))
            journal.Append(flags, "reviewer", "scanner", null, Enumerable.Range(0, 3).Select(i => FlagJournal.ImageHash(flags.Sample(i))).ToArray(), DateTimeOffset.UtcNow);

        using var reopened = GuardHost.Open(new ToyBackdoor(), guard, state);
        Assert.Equal((1, 1, 3), (reopened.Replayed, reopened.Snapshot.Version, reopened.Snapshot.ObservedCount));
        string audit = File.ReadAllText(Path.Combine(state, AuditLog.FileName));
        Assert.Contains("replayed at start", audit);
        Assert.Contains(FlagJournal.ImageHash(flags.Sample(0)), audit);
    }

    [Fact]
    public void ATornLastLineIsCutOffAndDamageBeforeTheEndIsRefusedWithItsLine()
    {
        string directory = NewDirectory();
        var image = ToyBackdoor.Images([1], 1);
        string[] hashes = [FlagJournal.ImageHash(image.Sample(0))];
        using (var journal = FlagJournal.Open(directory)) journal.Append(image, "k", null, null, hashes, DateTimeOffset.UtcNow);
        string path = Path.Combine(directory, FlagJournal.FileName);
        long good = new FileInfo(path).Length;
        File.AppendAllText(path, "{\"seq\":2,\"time\":\"2026-");
        using (var journal = FlagJournal.Open(directory))
        {
            Assert.Single(journal.Entries);
            Assert.Equal(22, journal.TruncatedBytes);
            Assert.Equal(good, new FileInfo(path).Length);
            journal.Append(image, "k", null, null, hashes, DateTimeOffset.UtcNow);
            Assert.Equal(2, journal.LastSeq);
        }
        var lines = File.ReadAllLines(path);
        lines[0] = lines[0].Replace("\"check\":\"", "\"check\":\"0");
        File.WriteAllLines(path, lines);
        var error = Assert.Throws<InvalidDataException>(() => FlagJournal.Open(directory));
        Assert.Contains("line 1", error.Message);
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public void OneServicePerStateFolderAndOneGuardPerFolder()
    {
        string directory = NewDirectory();
        string guard = Path.Combine(directory, "guard.json"), other = Path.Combine(directory, "other.json");
        ToyBackdoor.SaveFreshGuard(guard);
        File.Copy(guard, other);
        string state = Path.Combine(directory, "state");
        using (var host = GuardHost.Open(new ToyBackdoor(), guard, state))
            Assert.Contains("another fire serve", Assert.Throws<IOException>(() => GuardHost.Open(new ToyBackdoor(), guard, state)).Message);
        var mismatch = Assert.Throws<InvalidOperationException>(() => GuardHost.Open(new ToyBackdoor(), other, state));
        Assert.Contains("guard.json", mismatch.Message);
        Assert.Contains("another --state", mismatch.Message);
    }
}
