using System.Threading.RateLimiting;
using Fire.Service.Http;
using Fire.Service.Security;
using Fire.Service.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Fire.Service;

/// <summary>What a service needs: the opened guard host, the keys, the limits and the batching.</summary>
public sealed record ServiceConfig(GuardHost Host, KeyRing Keys, RequestLimits Limits, BatchingOptions Batching);

/// <summary>
/// Builds the HTTP service (Kestrel, minimal APIs): <c>POST /v1/predict</c>, <c>POST /v1/flags</c>, <c>GET /v1/guard</c>,
/// <c>GET /healthz</c>, <c>GET /readyz</c>, <c>GET /metrics</c> (Prometheus) and <c>GET /openapi/v1.json</c>. Every
/// refusal is a JSON <see cref="ErrorResponse"/> whose message names the limit or option; unexpected errors answer 500
/// with an id to find in the server's log, never a stack trace.
/// </summary>
public static class FireService
{
    /// <param name="configure">Changes to the builder before the app is built (tests use a test server here).</param>
    public static WebApplication Build(ServiceConfig config, IEnumerable<string>? urls = null, Action<WebApplicationBuilder>? configure = null)
    {
        config.Limits.Validate();
        config.Batching.Validate();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production", ApplicationName = typeof(FireService).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = config.Limits.MaxBodyBytes);
        if (urls is not null) builder.WebHost.UseUrls(urls.ToArray());
        var metrics = new ServiceMetrics();
        config.Host.Metrics = metrics;
        metrics.GuardVersion.Set(config.Host.Snapshot.Version);
        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(sp => new PredictionBatcher(config.Host, config.Batching, metrics));
        builder.Services.AddOpenApi();
        builder.Services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!context.Request.Path.StartsWithSegments("/v1")) return RateLimitPartition.GetNoLimiter("unlimited");
                var caller = CallerIdentity.Resolve(context, config.Keys);
                string partition = caller.Roles == Roles.None || caller == ApiKey.Anonymous ? $"address:{context.Connection.RemoteIpAddress}" : $"key:{caller.Id}";
                return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = config.Limits.Burst,
                    TokensPerPeriod = config.Limits.RequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, cancellation) => new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(
                new ErrorResponse($"Rate limit: {config.Limits.RequestsPerSecond} requests per second per key, bursts of {config.Limits.Burst} (fire serve --rate, --burst). Retry later."),
                cancellation));
        });
        configure?.Invoke(builder);

        var app = builder.Build();
        app.Use(ErrorsAsJson);
        app.UseRouting();
        app.UseHttpMetrics(options => options.SetMetricFactory(Prometheus.Metrics.WithCustomRegistry(metrics.Registry)));
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/v1")) CallerIdentity.Resolve(context, config.Keys); // 401 for unknown keys before the rate limiter
            return next(context);
        });
        app.UseRateLimiter();
        app.MapOpenApi();
        app.MapMetrics("/metrics", metrics.Registry);
        ServiceEndpoints.Map(app, config);
        app.Services.GetRequiredService<PredictionBatcher>(); // started with the app (the container disposes it with the app)
        return app;
    }

    private static async Task ErrorsAsJson(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
            if (context.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType && !context.Response.HasStarted) // routing's own refusal, without a body
                await Answer(context, StatusCodes.Status415UnsupportedMediaType,
                    $"Content type '{context.Request.ContentType}' is not read here: use multipart/form-data (image files), application/json (a float tensor) or image/* (one image).");
        }
        catch (ApiException e) when (!context.Response.HasStarted)
        {
            await Answer(context, e.Status, e.Message);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            string message = e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"The request body is larger than the limit of {context.RequestServices.GetRequiredService<ServiceConfig>().Limits.MaxBodyBytes:N0} bytes (fire serve --max-body-kb)."
                : $"Malformed request: {e.Message}";
            await Answer(context, e.StatusCode, message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            string id = Guid.NewGuid().ToString("N")[..12];
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Fire.Service").LogError(e, "Request {Id} ({Path}) failed", id, context.Request.Path);
            await Answer(context, StatusCodes.Status500InternalServerError, $"Internal error {id}: the server's log has the details.");
        }
    }

    private static Task Answer(HttpContext context, int status, string message)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorResponse(message));
    }
}
