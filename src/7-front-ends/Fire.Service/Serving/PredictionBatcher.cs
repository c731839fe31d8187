using System.Collections.Concurrent;
using System.Diagnostics;
using Fire.Guard;

namespace Fire.Service.Serving;

/// <summary>One request's answers and the guard version they came from.</summary>
public sealed record BatchResult(PlanPrediction[] Predictions, int GuardVersion);

/// <summary>
/// Dynamic batching: requests queue here and one thread of its own runs them through the model together, up to
/// <see cref="BatchingOptions.MaxBatch"/> images a call. Requests announce themselves (<see cref="Announce"/>) when they
/// arrive, before their body is read, and stop counting once queued; the thread waits for announced requests still
/// being read, at most <see cref="BatchingOptions.MaxWait"/>, and not at all when none is (a lone client gets the
/// model's batch-1 latency). Counting a request until its answer was sent instead made every batch after the first
/// wait the whole bound for requests already answered. Each model call uses the guard
/// snapshot current when it starts, so an update never waits for predictions nor predictions for an update. One
/// long-lived thread runs every prediction: engines keep per-thread state (libtorch's caches), which a pool of changing
/// threads would multiply.
/// </summary>
public sealed class PredictionBatcher : IAsyncDisposable
{
    private readonly BlockingCollection<Pending> _queue = new();
    private readonly GuardHost _host;
    private readonly BatchingOptions _options;
    private readonly ServiceMetrics? _metrics;
    private readonly Thread _thread;
    private int _reading;
    /// <summary>How often the prediction thread gives the native allocator's free pages back (see <see cref="NativeHeap"/>).</summary>
    private static readonly TimeSpan TrimPeriod = TimeSpan.FromSeconds(5);
    private long _lastTrim = Stopwatch.GetTimestamp();

    public PredictionBatcher(GuardHost host, BatchingOptions options, ServiceMetrics? metrics)
    {
        options.Validate();
        _host = host;
        _options = options;
        _metrics = metrics;
        _thread = new Thread(Loop) { IsBackground = true, Name = "fire predictions" };
        _thread.Start();
    }

    /// <summary>False once the loop has stopped (it only stops on disposal).</summary>
    public bool Running => _thread.IsAlive;

    /// <summary>Counts a request being read until it is queued (<see cref="PredictAsync"/>) or disposed, so the loop knows to wait for it.</summary>
    public IDisposable Announce()
    {
        Interlocked.Increment(ref _reading);
        return new Announcement(this);
    }

    /// <param name="announcement">The request's <see cref="Announce"/>: it stops counting once the images are queued.</param>
    public Task<BatchResult> PredictAsync(FloatBatch images, IDisposable? announcement = null)
    {
        var pending = new Pending(images, new TaskCompletionSource<BatchResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            if (!_queue.TryAdd(pending)) throw new ApiException(503, "The service is shutting down.");
        }
        finally
        {
            announcement?.Dispose(); // after the add, so the loop always sees the request either queued or being read
        }
        return pending.Done.Task;
    }

    private void Loop()
    {
        Pending? carried = null;
        while (true)
        {
            var batch = new List<Pending>();
            if (carried is not null) batch.Add(carried);
            else if (_queue.TryTake(out var first, Timeout.Infinite)) batch.Add(first);
            else return; // completed and empty
            carried = null;
            int images = batch[0].Images.Count;
            long deadline = Stopwatch.GetTimestamp() + (long)(_options.MaxWait.TotalSeconds * Stopwatch.Frequency);
            while (images < _options.MaxBatch)
            {
                if (!_queue.TryTake(out var next))
                {
                    // Wait only for requests that have arrived and are still being read, and only until the deadline.
                    int remainingMs = (int)Math.Ceiling((deadline - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency);
                    if (Volatile.Read(ref _reading) == 0 || remainingMs <= 0) break;
                    if (!_queue.TryTake(out next, remainingMs)) break;
                }
                if (images + next.Images.Count > _options.MaxBatch) { carried = next; break; }
                batch.Add(next);
                images += next.Images.Count;
            }
            Run(batch, images);
            if (Stopwatch.GetElapsedTime(_lastTrim) >= TrimPeriod)
            {
                NativeHeap.Trim(); // between batches; it also covers long refits, which trim only at their end
                _lastTrim = Stopwatch.GetTimestamp();
            }
        }
    }

    private void Run(List<Pending> batch, int images)
    {
        var snapshot = _host.Snapshot;
        try
        {
            var input = batch.Count == 1 ? batch[0].Images : Concat(batch, images);
            var predictions = PlanPredictions.Predict(_host.Model, snapshot.Plan, input);
            _metrics?.BatchImages.Observe(images);
            _metrics?.Predictions.Inc(images);
            _metrics?.Repaired.Inc(predictions.Count(p => p.Repaired));
            int start = 0;
            foreach (var pending in batch)
            {
                pending.Done.TrySetResult(new BatchResult(predictions[start..(start + pending.Images.Count)], snapshot.Version));
                start += pending.Images.Count;
            }
        }
        catch (Exception e)
        {
            foreach (var pending in batch) pending.Done.TrySetException(e);
        }
    }

    private static FloatBatch Concat(List<Pending> batch, int images)
    {
        var first = batch[0].Images;
        var data = new float[images * first.SampleSize];
        int offset = 0;
        foreach (var pending in batch)
        {
            pending.Images.Data.CopyTo(data, offset);
            offset += pending.Images.Data.Length;
        }
        return new FloatBatch(data, [images, .. first.SampleShape]);
    }

    private int _disposed;

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return ValueTask.CompletedTask;
        _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed record Pending(FloatBatch Images, TaskCompletionSource<BatchResult> Done);

    private sealed class Announcement(PredictionBatcher batcher) : IDisposable
    {
        private int _disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref batcher._reading);
        }
    }
}
