using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Fire.Service.Benchmark;

/// <summary>One load cell: closed-loop clients for a fixed time, with the optional flag stream beside them.</summary>
/// <param name="FlagP50Ms">Median time from sending a flag to its answer (journaled, observed, published); NaN without flags.</param>
/// <param name="LatenciesMs">Every successful request's latency, sorted (to merge parts of one cell).</param>
public sealed record LoadResult(string Mode, int Clients, double Seconds, int Requests, int Errors, double RequestsPerSecond, double P50Ms, double P99Ms,
    int FlagsSent, int FlagsAccepted, int FlagErrors, double FlagP50Ms = double.NaN, double FlagMaxMs = double.NaN,
    double[]? LatenciesMs = null, double[]? FlagLatenciesMs = null)
{
    /// <summary>One result from parts of a cell run at different times (rounds alternating with another mode).</summary>
    public static LoadResult Merge(IReadOnlyList<LoadResult> parts)
    {
        var all = parts.SelectMany(p => p.LatenciesMs ?? []).Order().ToArray();
        var flags = parts.SelectMany(p => p.FlagLatenciesMs ?? []).Order().ToArray();
        double seconds = parts.Sum(p => p.Seconds);
        return new LoadResult(parts[0].Mode, parts[0].Clients, seconds, all.Length, parts.Sum(p => p.Errors), all.Length / seconds,
            LoadGenerator.Quantile(all, 0.5), LoadGenerator.Quantile(all, 0.99), parts.Sum(p => p.FlagsSent), parts.Sum(p => p.FlagsAccepted), parts.Sum(p => p.FlagErrors),
            LoadGenerator.Quantile(flags, 0.5), flags.Length == 0 ? double.NaN : flags[^1], all, flags);
    }
}

/// <summary>
/// A bounded load generator: <c>clients</c> loops, each sending one single-image PNG request to <c>/v1/predict</c> and
/// waiting for the answer before the next (closed loop), for a fixed time; beside them, optionally, one flag a second
/// to <c>/v1/flags</c>. Latency is measured per request on the client (Stopwatch), including HTTP on loopback.
/// </summary>
public static class LoadGenerator
{
    public static async Task<LoadResult> RunAsync(Uri baseUri, string key, IReadOnlyList<byte[]> images, int clients, TimeSpan duration,
        IReadOnlyList<byte[]>? flags, string mode, CancellationToken cancellation = default, int firstFlag = 0)
    {
        if (images.Count == 0) throw new ArgumentException("The load generator needs at least one request image.");
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients + 2, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var client = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(120) };
        var latencies = new List<double>[clients];
        int errors = 0, flagsSent = 0, flagsAccepted = 0, flagErrors = 0;
        var flagTimes = new List<double>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var clock = Stopwatch.StartNew();
        var predictions = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = new List<double>();
            int next = c;
            while (clock.Elapsed < duration && !stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                var ok = await SendAsync(client, "/v1/predict", key, images[next++ % images.Count], stop.Token);
                if (ok is null) break;
                if (ok.Value.Status == HttpStatusCode.OK) mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                else Interlocked.Increment(ref errors);
            }
        })).ToList();
        Task flagging = Task.CompletedTask;
        if (flags is { Count: > 0 })
            flagging = Task.Run(async () =>
            {
                // A flag still unanswered 5 s after the run's end (an update waiting for a core, or a re-selection) is
                // counted as sent, not accepted, and not waited for: the server still applies it (it is journaled).
                using var flagStop = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                flagStop.CancelAfter(duration + TimeSpan.FromSeconds(5));
                for (int f = 0; clock.Elapsed < duration && !stop.IsCancellationRequested; f++)
                {
                    // Never sleep past the run's end: a flag due after it is not sent (waiting for it stretched
                    // every run to the next whole second, and its req/s were divided by that longer time).
                    var due = TimeSpan.FromSeconds(f);
                    if (due >= duration) break;
                    if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, stop.Token).ContinueWith(_ => { });
                    if (clock.Elapsed >= duration) break;
                    var started = Stopwatch.GetTimestamp();
                    Interlocked.Increment(ref flagsSent);
                    var answer = await SendAsync(client, "/v1/flags", key, flags[(firstFlag + f) % flags.Count], flagStop.Token);
                    if (answer is null) break;
                    if (answer.Value.Status != HttpStatusCode.OK) Interlocked.Increment(ref flagErrors);
                    else
                    {
                        flagTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        flagsAccepted += JsonDocument.Parse(answer.Value.Body).RootElement.GetProperty("accepted").GetInt32();
                    }
                }
            });
        // The run lasts until the last client's last answer; a flag still being answered then is waited for, not timed.
        await Task.WhenAll(predictions);
        double seconds = clock.Elapsed.TotalSeconds;
        await flagging;
        var all = latencies.Where(l => l is not null).SelectMany(l => l).Order().ToArray();
        var flagSorted = flagTimes.Order().ToArray();
        return new LoadResult(mode, clients, seconds, all.Length, errors, all.Length / seconds, Quantile(all, 0.5), Quantile(all, 0.99),
            flagsSent, flagsAccepted, flagErrors, Quantile(flagSorted, 0.5), flagSorted.Length == 0 ? double.NaN : flagSorted[^1], all, flagSorted);
    }

    private static async Task<(HttpStatusCode Status, string Body)?> SendAsync(HttpClient client, string path, string key, byte[] png, CancellationToken cancellation)
    {
        using var content = new ByteArrayContent(png);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("X-Api-Key", key);
        try
        {
            using var response = await client.SendAsync(request, cancellation);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellation));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is TaskCanceledException or HttpRequestException) // the client's timeout or a dropped connection: an error, not the end
        {
            return (HttpStatusCode.GatewayTimeout, "");
        }
    }

    /// <summary>The nearest-rank quantile of sorted values (NaN when empty).</summary>
    public static double Quantile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
