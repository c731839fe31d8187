using Fire.Guard;
using Fire.Service.Inputs;
using Fire.Service.Security;
using Fire.Service.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fire.Service.Http;

/// <summary>The routes, each a thin adapter: check the role, read the images, hand them to the batcher or the guard host.</summary>
internal static class ServiceEndpoints
{
    private static readonly string[] ImageTypes = ["application/json", "multipart/form-data", "image/png", "image/jpeg", "image/x-portable-pixmap"];

    public static void Map(WebApplication app, ServiceConfig config)
    {
        var host = config.Host;
        var reader = new ImageInputReader(host.Model.InputShape, config.Limits);

        app.MapPost("/v1/predict", async (HttpContext context, PredictionBatcher batcher) =>
            {
                CallerIdentity.Require(context, config.Keys, Roles.Predict);
                BatchResult result;
                using (var announcement = batcher.Announce())
                {
                    var input = await reader.ReadAsync(context.Request, context.RequestAborted);
                    result = await batcher.PredictAsync(input.Images, announcement);
                }
                return Results.Ok(new PredictResponse(result.GuardVersion,
                    result.Predictions.Select(p => new PredictionItem(p.Label, p.Confidence, p.ModelLabel, p.Repaired, p.Score)).ToArray()));
            })
            .WithName("Predict").WithSummary("Repaired predictions for one or more images (role: predict).")
            .Accepts<TensorBody>(ImageTypes[0], ImageTypes[1..]).Produces<PredictResponse>().Produces<ErrorResponse>(400).Produces<ErrorResponse>(413).Produces<ErrorResponse>(429);

        app.MapPost("/v1/flags", async (HttpContext context) =>
            {
                var caller = CallerIdentity.Require(context, config.Keys, Roles.Flag);
                var input = await reader.ReadAsync(context.Request, context.RequestAborted);
                var outcome = await host.FlagAsync(input.Images, caller.Id, input.Source, input.Note, context.RequestAborted);
                return Results.Ok(new FlagResponse(outcome.Received, outcome.Accepted, outcome.Duplicates, outcome.GuardVersion, outcome.ObservedCount,
                    outcome.Reselected, outcome.Decision, outcome.Plan, outcome.Selection, outcome.RefitSeconds));
            })
            .WithName("Flag").WithSummary("Images flagged as poisoned, with an optional source and note; the guard learns from them (role: flag).")
            .Accepts<TensorBody>(ImageTypes[0], ImageTypes[1..]).Produces<FlagResponse>().Produces<ErrorResponse>(400).Produces<ErrorResponse>(403).Produces<ErrorResponse>(409);

        app.MapGet("/v1/guard", (HttpContext context) =>
            {
                CallerIdentity.Require(context, config.Keys, Roles.Admin);
                var snapshot = host.Snapshot;
                var plan = snapshot.Plan;
                return Results.Ok(new GuardResponse(host.HasGuard, host.CanLearn, snapshot.Version, snapshot.ObservedCount, plan.EstimatedTarget, plan.ToString(),
                    plan.Repairs.Select(r => new RepairItem(r.Layer, RepairModes.Name(r.Mode), r.Alpha, DirectionDensities.Name(r.Density), r.CleanScores.Threshold)).ToArray(),
                    plan.Selection?.ToString(), host.Fingerprint, host.Layers, host.History));
            })
            .WithName("Guard").WithSummary("The plan, k, the model's fingerprint, the version and the history of versions (role: admin).")
            .Produces<GuardResponse>();

        app.MapGet("/healthz", () => Results.Ok(new HealthResponse("alive", host.Snapshot.Version)))
            .WithName("Health").WithSummary("Liveness: the process answers.");
        app.MapGet("/readyz", (PredictionBatcher batcher) => batcher.Running
                ? Results.Ok(new HealthResponse("ready", host.Snapshot.Version))
                : Results.Json(new HealthResponse("not ready: the prediction loop stopped", host.Snapshot.Version), statusCode: 503))
            .WithName("Ready").WithSummary("Readiness: the guard is loaded, the journal replayed and the prediction loop running.");
    }
}
