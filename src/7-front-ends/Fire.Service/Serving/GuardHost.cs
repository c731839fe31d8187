using System.Diagnostics;
using Fire.Guard;
using Fire.Service.State;
using Microsoft.AspNetCore.Http;

namespace Fire.Service.Serving;

/// <summary>
/// The served guard and its state folder. Predictions read <see cref="Snapshot"/> (immutable; never waits for an
/// update). A flag request, one at a time: drop images flagged before, append the rest to the journal and sync it,
/// let the guard observe them (building the next plan), save the guard to a new file and point <c>state.json</c> at it
/// (both atomic), swap in the next snapshot, write the audit record, answer. On start the guard named by
/// <c>state.json</c> (or the <c>--guard</c> file the folder started from) is loaded and the journal replayed past it.
/// </summary>
public sealed class GuardHost : IDisposable
{
    private const string LockFile = "serve.lock";
    private readonly SemaphoreSlim _updates = new(1, 1);
    private readonly BackgroundPriority _updater = new("fire guard updates");
    private readonly FireGuard? _guard;
    private readonly string _directory;
    private readonly FileStream _lock;
    private readonly FlagJournal? _journal;
    private readonly AuditLog? _audit;
    private readonly HashSet<string> _flagged = new(StringComparer.Ordinal);
    private ServiceState _state;
    private GuardSnapshot _snapshot;

    private GuardHost(ILayeredModel model, FireGuard? guard, string directory, FileStream lockFile, FlagJournal? journal, AuditLog? audit, ServiceState state)
    {
        Model = model;
        _guard = guard;
        _directory = directory;
        _lock = lockFile;
        _journal = journal;
        _audit = audit;
        _state = state;
        _snapshot = new GuardSnapshot(guard?.Plan ?? RepairPlan.None, state.Version, guard?.ObservedCount ?? 0);
        Fingerprint = ContentHash.Of(ModelFingerprint.Of(model).Select(v => MathF.Round(v, 2)).ToArray());
    }

    public ILayeredModel Model { get; }
    public GuardSnapshot Snapshot => Volatile.Read(ref _snapshot);
    public bool HasGuard => _guard is not null;
    public bool CanLearn => _guard?.CanLearn == true;
    public IReadOnlyList<string> Layers => _guard?.Layers ?? [];
    /// <summary>A hash of the model's logits on two fixed probes (rounded to 2 decimals, so thread counts do not change it).</summary>
    public string Fingerprint { get; }
    public IReadOnlyList<GuardVersion> History { get { lock (_flagged) return _state.History.ToList(); } }
    /// <summary>Journal entries replayed on opening (flags acknowledged after the last saved guard).</summary>
    public int Replayed { get; private init; }
    public ServiceMetrics? Metrics { get; set; }

    /// <summary>
    /// Opens the state folder <paramref name="directory"/> (created when missing; one service at a time). Without a guard
    /// (<paramref name="guardPath"/> null) the service predicts with the bare model and refuses flags.
    /// </summary>
    public static GuardHost Open(ILayeredModel model, string? guardPath, string directory)
    {
        Directory.CreateDirectory(directory);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(Path.Combine(directory, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"--state {directory}: another fire serve is using this folder ({e.Message}). Give each service its own --state.", e);
        }
        try
        {
            return OpenLocked(model, guardPath, directory, lockFile);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    private static GuardHost OpenLocked(ILayeredModel model, string? guardPath, string directory, FileStream lockFile)
    {
        string origin = guardPath is null ? "" : Path.GetFullPath(guardPath);
        var state = ServiceState.Read(directory);
        if (state is not null && state.Origin != origin)
            throw new InvalidOperationException($"--state {directory} holds the state of a service started from guard '{(state.Origin == "" ? "(none)" : state.Origin)}', not '{(origin == "" ? "(none)" : origin)}'. " +
                                                "Give the same --guard, or another --state folder for this guard.");
        if (guardPath is null)
            return new GuardHost(model, null, directory, lockFile, null, null, state ?? new ServiceState(ServiceState.FormatName, 0, "", 0, "", []));
        DeleteLeftovers(directory, state?.GuardFile);
        var guard = FireGuard.Load(state is null || state.GuardFile == "" ? guardPath : Path.Combine(directory, state.GuardFile), model);
        if (state is null)
        {
            // Written at once, so that the folder names the guard it belongs to before any flag is journaled.
            state = new ServiceState(ServiceState.FormatName, 0, "", 0, origin,
                [new GuardVersion(0, DateTimeOffset.UtcNow, guard.ObservedCount, 0, false, "loaded", guard.Plan.ToString())]);
            state.Write(directory);
        }
        var journal = FlagJournal.Open(directory);
        AuditLog? audit = null;
        try
        {
            audit = AuditLog.Open(directory);
            if (journal.LastSeq < state.JournalSeq)
                throw new InvalidDataException($"{journal.Path} ends at entry {journal.LastSeq}, but {ServiceState.FileName} says the guard includes entries up to {state.JournalSeq}: the journal was replaced or cut. Restore it, or start with another --state.");
            var host = new GuardHost(model, guard, directory, lockFile, journal, audit, state) { Replayed = journal.Entries.Count(e => e.Seq > state.JournalSeq) };
            host.Recover();
            return host;
        }
        catch
        {
            journal.Dispose();
            audit?.Dispose();
            throw;
        }
    }

    /// <summary>Replays the journal past the saved guard and writes the audit records a crash left out.</summary>
    private void Recover()
    {
        foreach (var entry in _journal!.Entries)
            foreach (var hash in entry.Hashes) _flagged.Add(hash);
        foreach (var entry in _journal.Entries.Where(e => e.Seq > _state.JournalSeq))
        {
            var outcome = Apply(entry, duplicates: 0);
            _audit!.Append(new AuditRecord(DateTimeOffset.UtcNow, entry.KeyId, entry.Seq, entry.Hashes, entry.Count, entry.Count,
                $"replayed at start: {outcome.Decision}", outcome.GuardVersion, entry.Source, entry.Note));
        }
        foreach (var entry in _journal.Entries.Where(e => e.Seq > _audit!.LastJournalSeq))
            _audit!.Append(new AuditRecord(DateTimeOffset.UtcNow, entry.KeyId, entry.Seq, entry.Hashes, entry.Count, entry.Count,
                "recovered at start: applied before a crash", _state.Version, entry.Source, entry.Note));
    }

    /// <summary>Handles one flag request (see the class summary); waits for earlier flag requests, never blocks predictions.</summary>
    public async Task<FlagOutcome> FlagAsync(FloatBatch images, string keyId, string? source, string? note, CancellationToken cancellation)
    {
        if (_guard is null) throw new ApiException(StatusCodes.Status409Conflict, "This service runs without a guard (no --guard), so it cannot learn from flags. Start it with --guard.");
        if (!_guard.CanLearn) throw new ApiException(StatusCodes.Status409Conflict, "The guard was saved without its samples, so it can only predict. Save it with samples (the default of `fire guard fit`) to learn from flags.");
        await _updates.WaitAsync(cancellation);
        try
        {
            var hashes = Enumerable.Range(0, images.Count).Select(i => FlagJournal.ImageHash(images.Sample(i))).ToArray();
            var fresh = Enumerable.Range(0, images.Count).Where(i => !_flagged.Contains(hashes[i]) && Array.IndexOf(hashes, hashes[i]) == i).ToArray();
            int duplicates = images.Count - fresh.Length;
            Metrics?.FlagsReceived.Inc(images.Count);
            FlagOutcome outcome;
            if (fresh.Length == 0)
            {
                var snapshot = Snapshot;
                outcome = new FlagOutcome(images.Count, 0, duplicates, snapshot.Version, snapshot.ObservedCount, false, "nothing-new", snapshot.Plan.ToString(), null, 0, null);
            }
            else
            {
                var accepted = Rows(images, fresh);
                // The journal is synced before anything else happens: from here on the flag survives a crash.
                var entry = _journal!.Append(accepted, keyId, source, note, fresh.Select(i => hashes[i]).ToArray(), DateTimeOffset.UtcNow);
                foreach (var i in fresh) _flagged.Add(hashes[i]);
                outcome = await _updater.RunAsync(() => Apply(entry, duplicates));
                Metrics?.FlagsAccepted.Inc(fresh.Length);
            }
            _audit!.Append(new AuditRecord(DateTimeOffset.UtcNow, keyId, outcome.JournalSeq, hashes, images.Count, outcome.Accepted,
                outcome.Decision, outcome.GuardVersion, source, note));
            return outcome;
        }
        finally
        {
            _updates.Release();
        }
    }

    /// <summary>The guard observes one journal entry; the result is saved and published as the next version.</summary>
    private FlagOutcome Apply(FlagEntry entry, int duplicates)
    {
        var guard = _guard!;
        var before = guard.Plan;
        var clock = Stopwatch.StartNew();
        guard.Observe(entry.Images);
        var after = guard.Plan;
        bool reselected = after.Selection is not null && !ReferenceEquals(after.Selection, before.Selection);
        string decision = UpdateDecision.Of(before, after, reselected);
        int version = _state.Version + 1;
        string guardFile = $"guard-v{version:D6}.json";
        guard.Save(Path.Combine(_directory, guardFile));
        var history = _state.History.Append(new GuardVersion(version, DateTimeOffset.UtcNow, guard.ObservedCount, entry.Seq, reselected, decision, after.ToString())).ToList();
        var next = _state with { Version = version, GuardFile = guardFile, JournalSeq = entry.Seq, History = history };
        next.Write(_directory);
        string previous = _state.GuardFile;
        lock (_flagged) _state = next;
        if (previous != "") File.Delete(Path.Combine(_directory, previous));
        Volatile.Write(ref _snapshot, new GuardSnapshot(after, version, guard.ObservedCount));
        double seconds = clock.Elapsed.TotalSeconds;
        Metrics?.Updated(version, seconds, reselected);
        return new FlagOutcome(entry.Count + duplicates, entry.Count, duplicates, version, guard.ObservedCount, reselected, decision, after.ToString(),
            reselected ? after.Selection!.ToString() : null, seconds, entry.Seq);
    }

    /// <summary>Guard files of versions that never became current (a crash before state.json moved on) and temporary files.</summary>
    private static void DeleteLeftovers(string directory, string? current)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "guard-v*.json*"))
            if (Path.GetFileName(file) != current) File.Delete(file);
        foreach (var file in Directory.EnumerateFiles(directory, "*.tmp")) File.Delete(file);
    }

    private static FloatBatch Rows(FloatBatch batch, int[] rows)
    {
        if (rows.Length == batch.Count) return batch;
        int size = batch.SampleSize;
        var data = new float[rows.Length * size];
        for (int i = 0; i < rows.Length; i++) batch.Sample(rows[i]).CopyTo(data.AsSpan(i * size, size));
        return new FloatBatch(data, [rows.Length, .. batch.SampleShape]);
    }

    public void Dispose()
    {
        _updater.Dispose(); // first: an update still queued finishes with its files open
        _journal?.Dispose();
        _audit?.Dispose();
        _lock.Dispose();
        _updates.Dispose();
    }
}
