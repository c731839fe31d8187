using Fire.Evaluation.Models;
using Fire.Cli.Commands.GuardCommands;
using Fire.Service;
using Fire.Service.Security;
using Fire.Service.Serving;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace Fire.Cli.Commands.ServeCommands;

/// <summary>
/// <c>fire serve</c>: repaired predictions over HTTP that learn from flagged inputs while serving (Fire.Service). The
/// engine gets <see cref="EngineThreads"/>' count with one core kept for HTTP and guard updates, unless --threads says.
/// </summary>
public sealed class ServeCommand(IAnsiConsole console) : Command<ServeSettings>
{
    /// <summary>Cores kept from the engine: HTTP parsing and guard updates run beside the model calls.</summary>
    public const int ReservedCores = 1;

    public override int Execute(CommandContext context, ServeSettings settings, CancellationToken cancellation)
    {
        int threads = EngineThreads.Choose(settings.Threads, ReservedCores);
        torch.set_num_threads(threads);
        var keys = KeyRing.Load(settings.Keys, Environment.GetEnvironmentVariable(KeyRing.EnvironmentVariable));
        // ONNX Runtime gets the same thread count as libtorch: one policy for either engine.
        var input = new ModelInputOptions(Threads: threads, Engine: EngineOption.Parse(settings.Engine));
        using var deployed = settings.Guard is null ? ModelFiles.Open(settings.Model!, input) : ModelFiles.OpenForGuard(settings.Model!, settings.Guard, input);
        string state = settings.StateDirectory();
        using var host = GuardHost.Open(deployed.Model, settings.Guard, state, settings.Checkpoints());
        string url = $"http://{settings.Host}:{settings.Port}";
        var app = FireService.Build(new ServiceConfig(host, keys, settings.Limits(), settings.Batching()), [url]);
        app.StartAsync(cancellation).GetAwaiter().GetResult();
        console.MarkupLineInterpolated($"Serving [bold]{deployed.Description}[/] from {settings.Model} at [bold]{string.Join(", ", app.Urls)}[/] ({threads} engine thread{(threads == 1 ? "" : "s")}).");
        if (settings.Guard is null) console.MarkupLine("No --guard: the bare model, flags refused.");
        else console.MarkupLineInterpolated($"Guard {settings.Guard}, version {host.Snapshot.Version}, k = {host.Snapshot.ObservedCount}{(host.Replayed > 0 ? $" ({host.Replayed} journaled flag requests replayed)" : "")}: [bold]{host.Snapshot.Plan}[/]");
        console.MarkupLineInterpolated($"State in {state}. {(keys.IsOpen ? "No API keys (--keys or $FIRE_API_KEYS): predictions are open, flags and /v1/guard refused." : $"{keys.Count} API keys.")}");
        console.MarkupLine("Endpoints: POST /v1/predict, POST /v1/flags, GET /v1/guard, /healthz, /readyz, /metrics, /openapi/v1.json. Ctrl+C stops.");
        WaitHandle.WaitAny([cancellation.WaitHandle, app.Lifetime.ApplicationStopping.WaitHandle]);
        app.StopAsync().GetAwaiter().GetResult();
        app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        console.MarkupLine("Stopped.");
        return 0;
    }
}
