using System.ComponentModel;
using Fire.Core;
using Fire.Data;
using Fire.Evaluation.Onnx;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands;

public sealed class OnnxReportSettings : ComputeSettings
{
    [CommandOption("--models <DIR>")]
    [Description("Folder of the ONNX fixtures (default: ../shared/models beside the repository).")]
    public string? Models { get; set; }

    [CommandOption("--out <FILE>")]
    [Description("The report (default: docs/onnx.md).")]
    public string Out { get; set; } = Path.Combine("docs", "onnx.md");

    [CommandOption("--test-limit <N>")]
    [Description("Test images per FIRE figure (default: the whole GTSRB test split).")]
    public int? TestLimit { get; set; }

    [CommandOption("--seed <N>")]
    [Description("Seed of the clean reference and flagged images (default: 0).")]
    public int Seed { get; set; }

    [CommandOption("--no-speed")]
    [Description("Skip the timings: TorchSharp against ONNX Runtime, and each hardened fixture against its plain graph.")]
    public bool NoSpeed { get; set; }

    [CommandOption("--no-fire")]
    [Description("Skip FIRE on the backdoored fixtures.")]
    public bool NoFire { get; set; }

    public override ValidationResult Validate() =>
        TestLimit is < 1 ? ValidationResult.Error($"--test-limit must be at least 1, got {TestLimit}.") : base.Validate();
}

/// <summary><c>fire onnx-report</c>: the ONNX Runtime engine on the shared fixtures (parity, layers, speed, FIRE); writes docs/onnx.md.</summary>
public sealed class OnnxReportCommand(IAnsiConsole console) : Command<OnnxReportSettings>
{
    public override int Execute(CommandContext context, OnnxReportSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        string models = settings.Models ?? Path.GetFullPath(Path.Combine(DataLocator.Resolve(settings.Data), "..", "models"));
        if (!Directory.Exists(models)) throw new DirectoryNotFoundException($"No ONNX fixtures at '{models}': give --models (the folder holding {OnnxFixture.ResNet20}/ and the others).");
        string outPath = Path.GetFullPath(settings.Out);
        var report = new Fire.Evaluation.Onnx.OnnxReportSettings
        {
            ModelsRoot = models,
            DataRoot = settings.Data,
            Threads = settings.Threads ?? Environment.ProcessorCount,
            TestLimit = settings.TestLimit,
            Seed = settings.Seed,
            Speed = !settings.NoSpeed,
            Fire = !settings.NoFire,
        };
        string command = "./fire onnx-report" + (settings.Threads is { } t ? $" --threads {t}" : "") + (settings.TestLimit is { } n ? $" --test-limit {n}" : "")
                         + (settings.Seed != 0 ? $" --seed {settings.Seed}" : "") + (settings.NoSpeed ? " --no-speed" : "") + (settings.NoFire ? " --no-fire" : "");
        string markdown = OnnxReport.Write(report, command, new StatusLines(console));
        AtomicFile.WriteText(outPath, markdown);
        console.MarkupLineInterpolated($"Wrote [bold]{outPath}[/]");
        return 0;
    }
}
