using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fire.Data;
using Fire.Service.Http;
using Fire.Service.TestHost;

namespace Fire.Service.Tests;

public class EndpointTests
{
    [Fact]
    public async Task PredictAnswersEveryImageOfAJsonTensorWithTheModelsLabelsBeforeAnyFlag()
    {
        await using var service = await TestService.StartAsync();
        var labels = ToyBackdoor.Labels(6);
        var response = await service.Client.SendAsync(TestService.Post("/v1/predict", TestService.Tensor(ToyBackdoor.Images(labels, seed: 7)), TestService.PredictKey));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<PredictResponse>())!;
        Assert.Equal(0, body.GuardVersion);
        Assert.Equal(labels, body.Predictions.Select(p => p.Label));
        Assert.Equal(labels, body.Predictions.Select(p => p.ModelLabel));
        Assert.All(body.Predictions, p => Assert.False(p.Repaired));
        Assert.All(body.Predictions, p => Assert.Null(p.Score));
        Assert.All(body.Predictions, p => Assert.InRange(p.Confidence, 1f / 3, 1f));
    }

    [Fact]
    public async Task PredictReadsMultipartPngAndPpmFilesAndARawPngBody()
    {
        await using var service = await TestService.StartAsync();
        var images = ToyBackdoor.Images([1, 2], seed: 3);
        string png = Path.Combine(service.Directory, "one.png");
        ImageFiles.SavePng(png, images.Sample(0), 1, 4, 4);
        var ppm = Ppm(images.Sample(1));
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(await File.ReadAllBytesAsync(png)), "images", "one.png" },
            { new ByteArrayContent(ppm), "images", "two.ppm" },
        };
        var response = await service.Client.SendAsync(TestService.Post("/v1/predict", form, TestService.PredictKey));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([1, 2], (await response.Content.ReadFromJsonAsync<PredictResponse>())!.Predictions.Select(p => p.Label));

        var raw = new ByteArrayContent(await File.ReadAllBytesAsync(png));
        raw.Headers.ContentType = new("image/png");
        var single = await service.Client.SendAsync(TestService.Post("/v1/predict", raw, TestService.PredictKey));
        Assert.Equal(1, (await single.Content.ReadFromJsonAsync<PredictResponse>())!.Predictions.Single().Label);
    }

    [Fact]
    public async Task FlagsTeachTheGuardToRepairTriggeredImagesAndDuplicatesAreNotCountedTwice()
    {
        await using var service = await TestService.StartAsync();
        var triggered = ToyBackdoor.Images(ToyBackdoor.Labels(12, nonTarget: true), seed: 11, triggered: true);
        var before = await Predict(service, triggered);
        Assert.All(before.Predictions, p => Assert.Equal(ToyBackdoor.Target, p.Label));

        var flags = ToyBackdoor.Images(ToyBackdoor.Labels(8, nonTarget: true), seed: 21, triggered: true);
        var first = await Flag(service, flags, "detector-a", "nightly scan");
        Assert.Equal((8, 8, 0, 1, 8, true), (first.Received, first.Accepted, first.Duplicates, first.GuardVersion, first.ObservedCount, first.Reselected));
        Assert.Contains(first.Decision, new[] { "changed", "kept" });

        var again = await Flag(service, flags, null, null);
        Assert.Equal((8, 0, 8, 1, "nothing-new"), (again.Received, again.Accepted, again.Duplicates, again.GuardVersion, again.Decision));

        var after = await Predict(service, triggered);
        Assert.Equal(1, after.GuardVersion);
        Assert.All(after.Predictions, p => Assert.Equal(ToyBackdoor.Target, p.ModelLabel));
        Assert.All(after.Predictions, p => Assert.True(p.Repaired));
        Assert.True(after.Predictions.Count(p => p.Label != ToyBackdoor.Target) >= 11, $"Repaired labels: {string.Join(", ", after.Predictions.Select(p => p.Label))}.");
        var clean = ToyBackdoor.Labels(30);
        var cleanAfter = await Predict(service, ToyBackdoor.Images(clean, seed: 31));
        Assert.Equal(clean, cleanAfter.Predictions.Select(p => p.Label));
    }

    [Fact]
    public async Task TheGuardEndpointShowsPlanFingerprintAndHistoryToAdminsOnly()
    {
        await using var service = await TestService.StartAsync();
        await Flag(service, ToyBackdoor.Images(ToyBackdoor.Labels(4, nonTarget: true), seed: 5, triggered: true), null, null);
        Assert.Equal(HttpStatusCode.Forbidden, (await service.Client.SendAsync(TestService.Get("/v1/guard", TestService.FlagKey))).StatusCode);
        var response = await service.Client.SendAsync(TestService.Get("/v1/guard", TestService.AdminKey));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var guard = (await response.Content.ReadFromJsonAsync<GuardResponse>())!;
        Assert.Equal((true, true, 1, 4, ToyBackdoor.Target), (guard.HasGuard, guard.CanLearn, guard.Version, guard.K, guard.EstimatedTarget));
        Assert.Equal(["features", "hidden"], guard.Layers);
        Assert.Equal([0, 1], guard.History.Select(h => h.Version));
        Assert.Equal(16, guard.ModelFingerprint.Length);
        Assert.NotEmpty(guard.Repairs);
    }

    [Fact]
    public async Task HealthReadinessMetricsAndOpenApiAnswerWithoutAKey()
    {
        await using var service = await TestService.StartAsync();
        await Flag(service, ToyBackdoor.Images(ToyBackdoor.Labels(2, nonTarget: true), seed: 9, triggered: true), null, null);
        await Predict(service, ToyBackdoor.Images(ToyBackdoor.Labels(3), seed: 2));
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/readyz")).StatusCode);
        string metrics = await service.Client.GetStringAsync("/metrics");
        Assert.Contains("fire_flags_received_total 2", metrics);
        Assert.Contains("fire_flags_accepted_total 2", metrics);
        Assert.Contains("fire_predictions_total 3", metrics);
        Assert.Contains("fire_guard_version 1", metrics);
        Assert.Contains("fire_refit_duration_seconds_count 1", metrics);
        Assert.Contains("http_request_duration_seconds_bucket", metrics);
        Assert.Contains("endpoint=\"/v1/predict\"", metrics);
        using var openApi = JsonDocument.Parse(await service.Client.GetStringAsync("/openapi/v1.json"));
        var paths = openApi.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/v1/predict", "/v1/flags", "/v1/guard", "/healthz", "/readyz" })
            Assert.True(paths.TryGetProperty(path, out _), $"The OpenAPI document lacks {path}.");
    }

    internal static async Task<PredictResponse> Predict(TestService service, FloatBatch images)
    {
        var response = await service.Client.SendAsync(TestService.Post("/v1/predict", TestService.Tensor(images), TestService.PredictKey));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<PredictResponse>())!;
    }

    internal static async Task<FlagResponse> Flag(TestService service, FloatBatch images, string? source, string? note)
    {
        var response = await service.Client.SendAsync(TestService.Post("/v1/flags", TestService.Tensor(images, source, note), TestService.FlagKey));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<FlagResponse>())!;
    }

    /// <summary>A binary PGM (P5) of one 4x4 grey image.</summary>
    internal static byte[] Ppm(ReadOnlySpan<float> image)
    {
        var header = System.Text.Encoding.ASCII.GetBytes("P5\n4 4\n255\n");
        return [.. header, .. PixelBytes.Quantize(image)];
    }
}
