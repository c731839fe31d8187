using System.Net;
using System.Net.Http.Json;
using Fire.Data;
using Fire.Service.Http;
using Fire.Service.Security;
using Fire.Service.TestHost;

namespace Fire.Service.Tests;

/// <summary>Every refusal: its status and a message that names the problem or limit; never a stack trace.</summary>
public class ErrorTests
{
    private static async Task<string> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {status}, got {response.StatusCode}: '{body}'");
        var error = System.Text.Json.JsonSerializer.Deserialize<ErrorResponse>(body, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        Assert.False(string.IsNullOrEmpty(error?.Error), body);
        Assert.DoesNotContain(" at Fire.", body);
        return error!.Error;
    }

    [Fact]
    public async Task KeysAndRolesAreEnforced()
    {
        await using var service = await TestService.StartAsync();
        var flags = ToyBackdoor.Images([1], seed: 1, triggered: true);
        Assert.Contains("X-Api-Key", await Expect(await service.Client.SendAsync(TestService.Post("/v1/flags", TestService.Tensor(flags), null)), HttpStatusCode.Unauthorized));
        Assert.Contains("not known", await Expect(await service.Client.SendAsync(TestService.Post("/v1/predict", TestService.Tensor(flags), "wrong-key-0123456789")), HttpStatusCode.Unauthorized));
        Assert.Contains("'app' lacks the flag role", await Expect(await service.Client.SendAsync(TestService.Post("/v1/flags", TestService.Tensor(flags), TestService.PredictKey)), HttpStatusCode.Forbidden));
        Assert.Contains("predict role", await Expect(await service.Client.SendAsync(TestService.Post("/v1/predict", TestService.Tensor(flags), null)), HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task WithoutKeysPredictionsAreOpenAndFlagsRefused()
    {
        await using var service = await TestService.StartAsync(keys: KeyRing.Open);
        var images = ToyBackdoor.Images([2], seed: 1);
        Assert.Equal(HttpStatusCode.OK, (await service.Client.SendAsync(TestService.Post("/v1/predict", TestService.Tensor(images), null))).StatusCode);
        Assert.Contains("--keys", await Expect(await service.Client.SendAsync(TestService.Post("/v1/flags", TestService.Tensor(images), null)), HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task LimitsOnBodyImagesAndSidesNameTheirOption()
    {
        await using var service = await TestService.StartAsync(new RequestLimits { MaxBodyBytes = 4096, MaxImages = 3, MaxImageSide = 8 });
        Assert.Contains("--max-images", await Expect(await service.Client.SendAsync(TestService.Post("/v1/predict", TestService.Tensor(ToyBackdoor.Images([0, 1, 2, 0], 1)), TestService.PredictKey)), HttpStatusCode.RequestEntityTooLarge));
        var large = new ByteArrayContent(new byte[5000]);
        large.Headers.ContentType = new("image/png");
        Assert.Contains("--max-body-kb", await Expect(await service.Client.SendAsync(TestService.Post("/v1/predict", large, TestService.PredictKey)), HttpStatusCode.RequestEntityTooLarge));
        string png = Path.Combine(service.Directory, "wide.png");
        ImageFiles.SavePng(png, new float[9 * 2], 1, 2, 9);
        var wide = new ByteArrayContent(await File.ReadAllBytesAsync(png));
        wide.Headers.ContentType = new("image/png");
        string message = await Expect(await service.Client.SendAsync(TestService.Post("/v1/predict", wide, TestService.PredictKey)), HttpStatusCode.BadRequest);
        Assert.Contains("9x2", message);
        Assert.Contains("--max-image-side", message);
    }

    [Fact]
    public async Task MalformedInputsAreRefusedWithTheProblemNamed()
    {
        await using var service = await TestService.StartAsync();
        async Task<string> Send(HttpContent content, HttpStatusCode status = HttpStatusCode.BadRequest) =>
            await Expect(await service.Client.SendAsync(TestService.Post("/v1/predict", content, TestService.PredictKey)), status);

        var garbage = new ByteArrayContent([1, 2, 3, 4, 5]);
        garbage.Headers.ContentType = new("image/jpeg");
        Assert.Contains("not an image", await Send(garbage));
        Assert.Contains("[N, 1, 4, 4]", await Send(TestService.Json("""{"shape": [1, 3, 4, 4], "data": []}""")));
        Assert.Contains("needs 16", await Send(TestService.Json("""{"shape": [1, 1, 4, 4], "data": [0.5]}""")));
        Assert.Contains("holds 2 at index 0", await Send(TestService.Json($$"""{"shape": [1, 4, 4], "data": [2{{string.Concat(Enumerable.Repeat(", 0", 15))}}]}""")));
        Assert.Contains("malformed", await Send(TestService.Json("""{"shape": [1, 1""")));
        Assert.Contains("empty", await Send(TestService.Json("")));
        Assert.Contains("text/plain", await Send(new StringContent("hello"), HttpStatusCode.UnsupportedMediaType));
        using var form = new MultipartFormDataContent { { new StringContent("x"), "colour" } };
        Assert.Contains("Unknown form field 'colour'", await Send(form));
        var truncated = EndpointTests.Ppm(ToyBackdoor.Images([1], 1).Sample(0))[..14];
        using var ppmForm = new MultipartFormDataContent { { new ByteArrayContent(truncated), "images", "cut.ppm" } };
        Assert.Contains("cut.ppm", await Send(ppmForm));
    }

    [Fact]
    public async Task EachKeyIsRateLimited()
    {
        await using var service = await TestService.StartAsync(new RequestLimits { RequestsPerSecond = 1, Burst = 2 });
        var images = ToyBackdoor.Images([1], 1);
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 4; i++) statuses.Add((await service.Client.SendAsync(TestService.Post("/v1/predict", TestService.Tensor(images), TestService.PredictKey))).StatusCode);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], statuses.Take(2));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses.Skip(2));
        Assert.Contains("--rate", await Expect(await service.Client.SendAsync(TestService.Post("/v1/predict", TestService.Tensor(images), TestService.PredictKey)), HttpStatusCode.TooManyRequests));
        // Another key has its own bucket.
        Assert.Equal(HttpStatusCode.OK, (await service.Client.SendAsync(TestService.Post("/v1/predict", TestService.Tensor(images), TestService.FlagKey))).StatusCode);
    }

    [Fact]
    public async Task AnInternalErrorAnswers500WithAnIdAndNoDetails()
    {
        await using var service = await TestService.StartAsync();
        service.Model.Failure = new InvalidOperationException("secret detail of the engine");
        string message = await Expect(await service.Client.SendAsync(TestService.Post("/v1/predict", TestService.Tensor(ToyBackdoor.Images([1], 1)), TestService.PredictKey)), HttpStatusCode.InternalServerError);
        Assert.StartsWith("Internal error ", message);
        Assert.DoesNotContain("secret", message);
    }

    [Fact]
    public async Task WithoutAGuardPredictionsComeFromTheModelAndFlagsAreRefused()
    {
        await using var service = await TestService.StartAsync(withGuard: false);
        var response = await service.Client.SendAsync(TestService.Post("/v1/predict", TestService.Tensor(ToyBackdoor.Images([2], 1)), TestService.PredictKey));
        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<PredictResponse>())!.Predictions.Single().Label);
        Assert.Contains("--guard", await Expect(await service.Client.SendAsync(TestService.Post("/v1/flags", TestService.Tensor(ToyBackdoor.Images([2], 1)), TestService.FlagKey)), HttpStatusCode.Conflict));
    }
}
