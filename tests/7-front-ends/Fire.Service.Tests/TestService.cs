using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Fire.Service.Security;
using Fire.Service.Serving;
using Fire.Service.TestHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace Fire.Service.Tests;

/// <summary>The service on the toy backdoored model, in process (ASP.NET Core's test server), with a fresh state folder.</summary>
internal sealed class TestService : IAsyncDisposable
{
    public const string AdminKey = "admin-secret-0123456789";
    public const string FlagKey = "flagger-secret-0123456789";
    public const string PredictKey = "predictor-secret-0123456789";
    public const string KeysJson = $$"""
        {"keys": [
          {"id": "ops", "key": "{{AdminKey}}", "roles": ["admin"]},
          {"id": "reviewer", "key": "{{FlagKey}}", "roles": ["predict", "flag"]},
          {"id": "app", "key": "{{PredictKey}}", "roles": ["predict"]}
        ]}
        """;

    private readonly WebApplication _app;

    private TestService(string directory, ToyBackdoor model, GuardHost host, WebApplication app)
    {
        Directory = directory;
        Model = model;
        Host = host;
        _app = app;
        Client = app.GetTestClient();
    }

    public string Directory { get; }
    public string StateDirectory => Path.Combine(Directory, "state");
    public string GuardPath => Path.Combine(Directory, "guard.json");
    public ToyBackdoor Model { get; }
    public GuardHost Host { get; }
    public HttpClient Client { get; }

    public static async Task<TestService> StartAsync(RequestLimits? limits = null, KeyRing? keys = null, string? directory = null, bool withGuard = true)
    {
        directory ??= Path.Combine(Path.GetTempPath(), "fire-serve-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        string guard = Path.Combine(directory, "guard.json");
        if (withGuard && !File.Exists(guard)) ToyBackdoor.SaveFreshGuard(guard);
        var model = new ToyBackdoor();
        var host = GuardHost.Open(model, withGuard ? guard : null, Path.Combine(directory, "state"));
        var app = FireService.Build(new ServiceConfig(host, keys ?? KeyRing.Parse(KeysJson, "test keys"), limits ?? new RequestLimits(), new BatchingOptions()),
            configure: builder => builder.WebHost.UseTestServer());
        await app.StartAsync();
        return new TestService(directory, model, host, app);
    }

    /// <summary>Stops the app and closes the state folder, keeping its files (for a restart).</summary>
    public async Task StopAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Host.Dispose();
    }

    public static HttpRequestMessage Post(string path, HttpContent content, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        return request;
    }

    public static HttpRequestMessage Get(string path, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    public static HttpContent Tensor(FloatBatch images, string? source = null, string? note = null) =>
        JsonContent.Create(new { shape = images.Shape, data = images.Data, source, note });

    public static HttpContent Json(string json) => new StringContent(json, Encoding.UTF8, "application/json");

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
