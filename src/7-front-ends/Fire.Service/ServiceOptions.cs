namespace Fire.Service;

/// <summary>
/// Limits a request must stay within. Each error names the limit and the <c>fire serve</c> option that sets it.
/// </summary>
public sealed record RequestLimits
{
    /// <summary>Largest request body in bytes (413 beyond it).</summary>
    public long MaxBodyBytes { get; init; } = 8 * 1024 * 1024;
    /// <summary>Most images in one request (413 beyond it).</summary>
    public int MaxImages { get; init; } = 64;
    /// <summary>Largest width or height of an encoded image before it is resized to the model's input (400 beyond it).</summary>
    public int MaxImageSide { get; init; } = 1024;
    /// <summary>Requests per second each API key (or each anonymous client address) may make to /v1 (429 beyond it).</summary>
    public int RequestsPerSecond { get; init; } = 1000;
    /// <summary>Requests a key may make at once above its steady rate.</summary>
    public int Burst { get; init; } = 2000;

    public void Validate()
    {
        if (MaxBodyBytes < 1024) throw new ArgumentOutOfRangeException(nameof(MaxBodyBytes), $"--max-body-kb: at least 1 KiB, got {MaxBodyBytes} bytes.");
        if (MaxImages < 1) throw new ArgumentOutOfRangeException(nameof(MaxImages), $"--max-images: at least 1, got {MaxImages}.");
        if (MaxImageSide < 1) throw new ArgumentOutOfRangeException(nameof(MaxImageSide), $"--max-image-side: at least 1, got {MaxImageSide}.");
        if (RequestsPerSecond < 1) throw new ArgumentOutOfRangeException(nameof(RequestsPerSecond), $"--rate: at least 1 request per second, got {RequestsPerSecond}.");
        if (Burst < 1) throw new ArgumentOutOfRangeException(nameof(Burst), $"--burst: at least 1, got {Burst}.");
    }
}

/// <summary>
/// Dynamic batching: concurrent prediction requests share one model call of at most <see cref="MaxBatch"/> images. The
/// batcher waits at most <see cref="MaxWait"/> for requests that have arrived but are still being read; with nothing else
/// in flight it runs at once, so a lone client gets the batch-1 latency.
/// </summary>
public sealed record BatchingOptions
{
    public int MaxBatch { get; init; } = 128;
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMilliseconds(2);

    public void Validate()
    {
        if (MaxBatch < 1) throw new ArgumentOutOfRangeException(nameof(MaxBatch), $"--batch: at least 1 image, got {MaxBatch}.");
        if (MaxWait < TimeSpan.Zero || MaxWait > TimeSpan.FromSeconds(1))
            throw new ArgumentOutOfRangeException(nameof(MaxWait), $"--batch-wait-ms: between 0 and 1000, got {MaxWait.TotalMilliseconds}.");
    }
}
