using System.Diagnostics;
using Fire.Guard;
using Fire.Service.State;
using Microsoft.AspNetCore.Http;

namespace Fire.Service.Serving;

/// <summary>
/// The served guard and its state folder. Predictions read <see cref="Snapshot"/> (immutable; never waits for an
/// update). A flag request, one at a time: drop images flagged before, append the rest to the journal and sync it,
/// let the guard observe them (building the next plan), swap in the next snapshot, write the audit record, answer.
/// The guard is saved as a checkpoint (<see cref="CheckpointPolicy"/>: a new file, then <c>state.json</c> pointed at it
/// and at the journal entries it includes, both atomic), not after every flag. On start the guard named by
/// <c>state.json</c> (or the <c>--guard</c> file the folder started from) is loaded and the journal replayed past it.
/// </summary>
public sealed class GuardHost : IDisposable
{
    private const string LockFile = "serve.lock";
    private readonly SemaphoreSlim _updates = new(1, 1);
    private readonly BackgroundPriority _updater = new("fire guard updates");
    /// <summary>
    /// The journal's and audit log's synced appends run here, at normal priority: an fsync blocks its thread for as long
    /// as the disk takes (hundreds of milliseconds on a busy one), and on a thread-pool thread it took one of the few
    /// threads (as many as cores) that serve every HTTP request: predictions of the guarded service slowed while flags
    /// arrived and the bare one beside it did not.
    /// </summary>
    private readonly BackgroundPriority _writer = new("fire flag journal", niceness: 0);
    private readonly FireGuard? _guard;
    private readonly string _directory;
    private readonly FileStream _lock;
    private readonly FlagJournal? _journal;
    private readonly AuditLog? _audit;
    private readonly HashSet<string> _flagged = new(StringComparer.Ordinal);
    private readonly CheckpointPolicy _checkpoints;
    private readonly CancellationTokenSource _stopping = new();
    private Task _checkpointLoop = Task.CompletedTask;
    /// <summary>Version, history and the last checkpoint (guard file, journal position); the file names the checkpoint's version.</summary>
    private ServiceState _state;
    private GuardSnapshot _snapshot;
    private long _appliedSeq;
    private int _unsaved;
    private long _firstUnsavedAt;

    private GuardHost(ILayeredModel model, FireGuard? guard, string directory, FileStream lockFile, FlagJournal? journal, AuditLog? audit, ServiceState state,
        CheckpointPolicy checkpoints)
    {
        _checkpoints = checkpoints;
        _appliedSeq = state.JournalSeq;
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

    /// <summary>Guard saves (checkpoints) written since the service started.</summary>
    public int Checkpoints { get; private set; }
    /// <summary>Updates applied since the service started (replays included) without and with a run of the automatic choice, and their wall and CPU time on the update thread.</summary>
    public UpdateCosts Costs { get { lock (_flagged) return _costs; } }
    private UpdateCosts _costs = new(new(0, 0, 0), new(0, 0, 0));

    /// <summary>
    /// Opens the state folder <paramref name="directory"/> (created when missing; one service at a time). Without a guard
    /// (<paramref name="guardPath"/> null) the service predicts with the bare model and refuses flags.
    /// </summary>
    public static GuardHost Open(ILayeredModel model, string? guardPath, string directory, CheckpointPolicy? checkpoints = null)
    {
        checkpoints ??= new CheckpointPolicy();
        checkpoints.Validate();
        NativeHeap.Configure(); // before the service's allocations: see NativeHeap
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
            return OpenLocked(model, guardPath, directory, lockFile, checkpoints);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    private static GuardHost OpenLocked(ILayeredModel model, string? guardPath, string directory, FileStream lockFile, CheckpointPolicy checkpoints)
    {
        string origin = guardPath is null ? "" : Path.GetFullPath(guardPath);
        var state = ServiceState.Read(directory);
        if (state is not null && state.Origin != origin)
            throw new InvalidOperationException($"--state {directory} holds the state of a service started from guard '{(state.Origin == "" ? "(none)" : state.Origin)}', not '{(origin == "" ? "(none)" : origin)}'. " +
                                                "Give the same --guard, or another --state folder for this guard.");
        if (guardPath is null)
            return new GuardHost(model, null, directory, lockFile, null, null, state ?? new ServiceState(ServiceState.FormatName, 0, "", 0, "", []), checkpoints);
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
            var host = new GuardHost(model, guard, directory, lockFile, journal, audit, state, checkpoints) { Replayed = journal.Entries.Count(e => e.Seq > state.JournalSeq) };
            host.Recover();
            host._checkpointLoop = host.CheckpointLoopAsync(host._stopping.Token);
            return host;
        }
        catch
        {
            journal.Dispose();
            audit?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Replays the journal past the last checkpoint (the same updates, in the same order, decide as they did before the
    /// stop), saves a checkpoint, and writes the audit records a crash left out (entries journaled but never answered).
    /// </summary>
    private void Recover()
    {
        foreach (var entry in _journal!.Entries)
            foreach (var hash in entry.Hashes) _flagged.Add(hash);
        var replayed = new Dictionary<long, FlagOutcome>();
        foreach (var entry in _journal.Entries.Where(e => e.Seq > _state.JournalSeq))
            replayed[entry.Seq] = Apply(entry, duplicates: 0);
        if (_unsaved > 0) Checkpoint();
        foreach (var entry in _journal.Entries.Where(e => e.Seq > _audit!.LastJournalSeq))
            _audit!.Append(replayed.TryGetValue(entry.Seq, out var outcome)
                ? new AuditRecord(DateTimeOffset.UtcNow, entry.KeyId, entry.Seq, entry.Hashes, entry.Count, entry.Count,
                    $"replayed at start: {outcome.Decision}", outcome.GuardVersion, entry.Source, entry.Note)
                : new AuditRecord(DateTimeOffset.UtcNow, entry.KeyId, entry.Seq, entry.Hashes, entry.Count, entry.Count,
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
                var entry = await _writer.RunAsync(() => _journal!.Append(accepted, keyId, source, note, fresh.Select(i => hashes[i]).ToArray(), DateTimeOffset.UtcNow));
                foreach (var i in fresh) _flagged.Add(hashes[i]);
                outcome = await _updater.RunAsync(() =>
                {
                    var applied = Apply(entry, duplicates);
                    // A re-selection (rare: when k has doubled) allocates hundreds of MiB of managed arrays, and the GC
                    // kept them committed long after (serve-bench: GC committed 108 -> 224-240 MiB); one blocking,
                    // compacting collection that decommits gives them back, once per doubling of k.
                    if (applied.Reselected) GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    NativeHeap.Trim(); // the refit's activations are freed: give their pages back (see NativeHeap)
                    return applied;
                });
                Metrics?.FlagsAccepted.Inc(fresh.Length);
            }
            var record = new AuditRecord(DateTimeOffset.UtcNow, keyId, outcome.JournalSeq, hashes, images.Count, outcome.Accepted,
                outcome.Decision, outcome.GuardVersion, source, note);
            await _writer.RunAsync(() =>
            {
                _audit!.Append(record);
                return true;
            });
            return outcome;
        }
        finally
        {
            _updates.Release();
        }
    }

    /// <summary>The guard observes one journal entry; the result is published as the next version, and saved when a checkpoint is due.</summary>
    private FlagOutcome Apply(FlagEntry entry, int duplicates)
    {
        var guard = _guard!;
        var before = guard.Plan;
        var clock = Stopwatch.StartNew();
        double cpu = ThreadCpu.Seconds();
        guard.Observe(entry.Images);
        var after = guard.Plan;
        bool reselected = after.Selection is not null && !ReferenceEquals(after.Selection, before.Selection);
        string decision = UpdateDecision.Of(before, after, reselected);
        int version = _state.Version + 1;
        var history = _state.History.Append(new GuardVersion(version, DateTimeOffset.UtcNow, guard.ObservedCount, entry.Seq, reselected, decision, after.ToString())).ToList();
        lock (_flagged) _state = _state with { Version = version, History = history };
        _appliedSeq = entry.Seq;
        Volatile.Write(ref _snapshot, new GuardSnapshot(after, version, guard.ObservedCount));
        if (_unsaved++ == 0) Volatile.Write(ref _firstUnsavedAt, Stopwatch.GetTimestamp());
        if (reselected || _unsaved >= _checkpoints.MaxUpdates) Checkpoint();
        double seconds = clock.Elapsed.TotalSeconds;
        cpu = ThreadCpu.Seconds() - cpu;
        lock (_flagged) _costs = _costs.Add(reselected, seconds, cpu);
        Metrics?.Updated(version, seconds, reselected, cpu);
        return new FlagOutcome(entry.Count + duplicates, entry.Count, duplicates, version, guard.ObservedCount, reselected, decision, after.ToString(),
            reselected ? after.Selection!.ToString() : null, seconds, entry.Seq);
    }

    /// <summary>
    /// Saves the guard to a new <c>guard-vNNNNNN.json</c> and points <c>state.json</c> at it and at the journal entries it
    /// includes (both atomic; a crash between them leaves an orphan file that the next start deletes), then deletes the
    /// previous checkpoint. Runs where updates run (never beside one).
    /// </summary>
    private void Checkpoint()
    {
        string guardFile = $"guard-v{_state.Version:D6}.json";
        _guard!.Save(Path.Combine(_directory, guardFile));
        var next = _state with { GuardFile = guardFile, JournalSeq = _appliedSeq };
        next.Write(_directory);
        string previous = _state.GuardFile;
        lock (_flagged) _state = next;
        if (previous != "" && previous != guardFile) File.Delete(Path.Combine(_directory, previous));
        Volatile.Write(ref _unsaved, 0);
        Checkpoints++;
        Metrics?.GuardSaves.Inc();
    }

    private bool CheckpointDue() =>
        Volatile.Read(ref _unsaved) > 0 && Stopwatch.GetElapsedTime(Volatile.Read(ref _firstUnsavedAt)) >= _checkpoints.MaxDelay;

    /// <summary>Saves unsaved updates once they are <see cref="CheckpointPolicy.MaxDelay"/> old, between flag requests.</summary>
    private async Task CheckpointLoopAsync(CancellationToken stopping)
    {
        var period = TimeSpan.FromMilliseconds(Math.Clamp(_checkpoints.MaxDelay.TotalMilliseconds / 4, 10, 1000));
        while (true)
        {
            try
            {
                await Task.Delay(period, stopping);
                if (!CheckpointDue()) continue;
                await _updates.WaitAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await _updater.RunAsync(() =>
                {
                    if (CheckpointDue()) Checkpoint();
                    return true;
                });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The journal still holds every flag; the next period tries again.
                Console.Error.WriteLine($"fire serve: saving the guard in {_directory} failed ({e.Message}); the flags stay in {FlagJournal.FileName} and the save is retried. Free space or fix the folder's permissions.");
            }
            finally
            {
                _updates.Release();
            }
        }
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

    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stopping.Cancel();
        try { _checkpointLoop.Wait(); } catch (AggregateException) { } // a failed save was reported; the journal has the flags
        _updater.Dispose(); // first: an update still queued finishes with its files open
        _writer.Dispose();
        if (Volatile.Read(ref _unsaved) > 0) Checkpoint(); // a clean stop leaves nothing to replay
        _stopping.Dispose();
        _journal?.Dispose();
        _audit?.Dispose();
        _lock.Dispose();
        _updates.Dispose();
    }
}
