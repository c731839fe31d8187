using System.ComponentModel;
using Fire.Service;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.ServeCommands;

/// <summary>The options of <c>fire serve</c>: the model and guard, where to listen, keys, state and limits.</summary>
public class ServeSettings : ComputeSettings
{
    [CommandOption("--model <CHECKPOINT>")]
    [Description("The classifier to serve (model.pt or its sidecar).")]
    public string? Model { get; set; }

    [CommandOption("--guard <FILE>")]
    [Description("A guard from `fire guard fit`, saved with its samples so that it can learn from flags. Without it the bare model is served and flags are refused.")]
    public string? Guard { get; set; }

    [CommandOption("--port <N>")]
    [Description("TCP port (default: 8080).")]
    public int Port { get; set; } = 8080;

    [CommandOption("--host <ADDRESS>")]
    [Description("Address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 for every interface).")]
    public string Host { get; set; } = "127.0.0.1";

    [CommandOption("--keys <FILE>")]
    [Description("API keys with roles (predict, flag, admin): {\"keys\": [[{\"id\", \"key\", \"roles\"}]]}; default: $FIRE_API_KEYS, else no keys (predictions only).")]
    public string? Keys { get; set; }

    [CommandOption("--state <DIR>")]
    [Description("Folder for the flag journal, the audit log and the guard's versions (default: runs/serve-<guard name>). Restarting with it resumes where the service stopped.")]
    public string? State { get; set; }

    [CommandOption("--max-body-kb <KB>")]
    [Description("Largest request body in KiB (default: 8192).")]
    public int MaxBodyKb { get; set; } = 8192;

    [CommandOption("--max-images <N>")]
    [Description("Most images per request (default: 64).")]
    public int MaxImages { get; set; } = 64;

    [CommandOption("--max-image-side <PIXELS>")]
    [Description("Largest width or height of an uploaded image (default: 1024); smaller ones are resized to the model's input.")]
    public int MaxImageSide { get; set; } = 1024;

    [CommandOption("--rate <N>")]
    [Description("Requests per second per API key (anonymous callers: per address) (default: 1000).")]
    public int Rate { get; set; } = 1000;

    [CommandOption("--burst <N>")]
    [Description("Requests a key may send at once above --rate (default: 2000).")]
    public int Burst { get; set; } = 2000;

    [CommandOption("--batch <N>")]
    [Description("Most images per model call when concurrent requests are batched (default: 128).")]
    public int Batch { get; set; } = 128;

    [CommandOption("--batch-wait-ms <MS>")]
    [Description("Longest wait for requests still arriving before a batch runs (default: 2; there is no wait when nothing else is in flight).")]
    public double BatchWaitMs { get; set; } = 2;

    [CommandOption("--save-every <N>")]
    [Description("Save the guard after at most this many flag requests (default: 64); the journal holds the flags in between, so a crash loses none.")]
    public int SaveEvery { get; set; } = 64;

    [CommandOption("--save-seconds <S>")]
    [Description("Save the guard at most this many seconds after an unsaved flag (default: 30).")]
    public double SaveSeconds { get; set; } = 30;

    public Fire.Service.Serving.CheckpointPolicy Checkpoints() => new() { MaxUpdates = SaveEvery, MaxDelay = TimeSpan.FromSeconds(SaveSeconds) };

    public RequestLimits Limits() => new()
    {
        MaxBodyBytes = MaxBodyKb * 1024L, MaxImages = MaxImages, MaxImageSide = MaxImageSide, RequestsPerSecond = Rate, Burst = Burst,
    };

    public BatchingOptions Batching() => new() { MaxBatch = Batch, MaxWait = TimeSpan.FromMilliseconds(BatchWaitMs) };

    /// <summary>The state folder: --state, else runs/serve-&lt;guard or model file name&gt;.</summary>
    public string StateDirectory() => Path.GetFullPath(State ?? Path.Combine("runs", $"serve-{Path.GetFileNameWithoutExtension(Guard ?? Model!)}"));

    [CommandOption(EngineOption.Template)]
    [Description(EngineOption.Help)]
    public string? Engine { get; set; }

    public override ValidationResult Validate()
    {
        if (Model is null) return ValidationResult.Error("--model is required: the checkpoint to serve.");
        if (EngineOption.Validate(Engine) is { Successful: false } engine) return engine;
        if (Port is < 0 or > 65535) return ValidationResult.Error($"--port must be in 0..65535, got {Port}.");
        if (BatchWaitMs is < 0 or > 1000) return ValidationResult.Error($"--batch-wait-ms must be in 0..1000, got {BatchWaitMs}.");
        try
        {
            Limits().Validate();
            Batching().Validate();
            if (SaveSeconds is <= 0 or > 3600) return ValidationResult.Error($"--save-seconds must be more than 0 and at most 3600, got {SaveSeconds}.");
            Checkpoints().Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            return ValidationResult.Error(e.Message.Split(" (Parameter")[0]);
        }
        return base.Validate();
    }
}
