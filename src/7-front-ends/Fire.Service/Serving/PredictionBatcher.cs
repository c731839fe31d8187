using System.Threading.Channels;
using Fire.Guard;

namespace Fire.Service.Serving;

/// <summary>One request's answers and the guard version they came from.</summary>
public sealed record BatchResult(PlanPrediction[] Predictions, int GuardVersion);

/// <summary>
/// Dynamic batching: requests queue here and one loop runs them through the model together, up to
/// <see cref="BatchingOptions.MaxBatch"/> images a call. Requests announce themselves (<see cref="Announce"/>) when they
/// arrive, before their body is read; the loop waits for announced requests still being read, at most
/// <see cref="BatchingOptions.MaxWait"/>, and not at all when nothing else is in flight. Each model call uses the guard
/// snapshot current when it starts, so an update never waits for predictions nor predictions for an update.
/// </summary>
public sealed class PredictionBatcher : IAsyncDisposable
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly GuardHost _host;
    private readonly BatchingOptions _options;
    private readonly ServiceMetrics? _metrics;
    private readonly Task _loop;
    private int _announced;

    public PredictionBatcher(GuardHost host, BatchingOptions options, ServiceMetrics? metrics)
    {
        options.Validate();
        _host = host;
        _options = options;
        _metrics = metrics;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>False once the loop has stopped (it only stops on disposal).</summary>
    public bool Running => !_loop.IsCompleted;

    /// <summary>Counts a request in flight until disposed, so the loop knows to wait for it.</summary>
    public IDisposable Announce()
    {
        Interlocked.Increment(ref _announced);
        return new Announcement(this);
    }

    public Task<BatchResult> PredictAsync(FloatBatch images)
    {
        var pending = new Pending(images, new TaskCompletionSource<BatchResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending)) throw new ApiException(503, "The service is shutting down.");
        return pending.Done.Task;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        Pending? carried = null;
        while (carried is not null || await reader.WaitToReadAsync())
        {
            var batch = new List<Pending>();
            int images = 0;
            if (carried is not null) { batch.Add(carried); images = carried.Images.Count; carried = null; }
            var deadline = DateTime.UtcNow + _options.MaxWait;
            while (images < _options.MaxBatch)
            {
                if (reader.TryRead(out var next))
                {
                    if (images > 0 && images + next.Images.Count > _options.MaxBatch) { carried = next; break; }
                    batch.Add(next);
                    images += next.Images.Count;
                    continue;
                }
                var remaining = deadline - DateTime.UtcNow;
                // Wait only for requests that have arrived and are still being read, and only until the deadline.
                if (batch.Count >= Volatile.Read(ref _announced) || remaining <= TimeSpan.Zero) break;
                var arrival = reader.WaitToReadAsync().AsTask();
                if (await Task.WhenAny(arrival, Task.Delay(remaining)) != arrival || !await arrival) break;
            }
            if (batch.Count > 0) Run(batch, images);
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

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private sealed record Pending(FloatBatch Images, TaskCompletionSource<BatchResult> Done);

    private sealed class Announcement(PredictionBatcher batcher) : IDisposable
    {
        private int _disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref batcher._announced);
        }
    }
}
