using System.ComponentModel;
using System.Globalization;
using Fire.Cli.Commands.ExportCommands;
using Fire.Engines.Onnx;
using Fire.Engines.Torch;
using Fire.Engines.Torch.Export;
using Fire.Evaluation.Models;
using Fire.Evaluation.Latency;
using Fire.Evaluation.Reports;
using Fire.Guard;
using Fire.Guard.Onnx;
using Fire.Onnx;
using Onnx;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.GuardCommands;

public sealed class GuardExportSettings : SavedGuardSettings
{
    [CommandOption("--out <FILE>")]
    [Description("The hardened ONNX model to write: the model with the guard's repair inside, same input and output names.")]
    public string? Out { get; set; }

    [CommandOption("--bench")]
    [Description("Also time the hardened model against the plain one on ONNX Runtime (batch 1 and 128, interleaved).")]
    public bool Bench { get; set; }

    public override ValidationResult Validate() =>
        Out is null ? ValidationResult.Error("--out is required: the hardened .onnx file to write.") : base.Validate();
}

/// <summary>
/// <c>fire guard export</c>: a saved guard's repair written into the model's ONNX graph as standard operators, so the
/// hardened model runs wherever ONNX runs, without Fire. The guard is loaded for the model as <c>fire guard predict</c>
/// loads it (layer shapes and the model's fingerprint checked), and the written file is checked against the guard's own
/// predictions on seeded images.
/// </summary>
public sealed class GuardExportCommand(IAnsiConsole console) : Command<GuardExportSettings>
{
    private const int CheckImages = 64;
    private const float CheckTolerance = 1e-3f;

    public override int Execute(CommandContext context, GuardExportSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        string outPath = OutputPaths.CheckFile(settings.Out!, "--out", [.. Fire.Training.Checkpoint.Files(settings.Model!), settings.Model, settings.Guard],
            "ONNX model", OnnxModelFile.IsOnnxPath, settings.Force);
        var (model, onnx, owner, normalization) = Open(settings.Model!, settings.Guard!);
        using (owner)
        {
            using var guard = FireGuard.Load(settings.Guard!, model);
            var hardened = GuardOnnxExport.Harden(onnx, guard.Plan, settings.Model!, model.DescribeLayers());
            int threads = settings.Threads ?? 1;
            var (difference, agreed) = Check(model, guard, hardened, normalization, outPath, threads);
            OnnxModelFile.Write(hardened, outPath);
            console.MarkupLineInterpolated($"Wrote [bold]{outPath}[/]: {settings.Model} with the repair of {settings.Guard} ({guard.Plan}).");
            console.MarkupLineInterpolated($"Input '{string.Join(", ", hardened.Graph.Input.Select(i => i.Name))}', output '{string.Join(", ", hardened.Graph.Output.Select(o => o.Name))}' as in the model; ONNX opset {OnnxModelFile.DefaultOpset(hardened)}. On {CheckImages} seeded images its labels equal the guard's ({agreed} of {CheckImages}) and its logits differ from the repaired forward pass by at most {difference:G2}.");
            if (settings.Bench) Bench(onnx, hardened, model.InputShape, threads);
        }
        return 0;
    }

    /// <summary>
    /// The model as Fire runs it (to load the guard) and as an ONNX graph (to harden): a Fire checkpoint is exported
    /// (<see cref="ZooOnnxExport"/>, normalisation inside); an .onnx file is hardened as it is, and its graph takes the
    /// input normalised as the guard records (the normalisation returned, for the check).
    /// </summary>
    private static (ILayeredModel Model, ModelProto Onnx, IDisposable Owner, InputNormalization? Normalization) Open(string path, string guardPath)
    {
        var opened = ModelFiles.OpenForGuard(path, guardPath);
        try
        {
            return opened.Model switch
            {
                OnnxLayeredModel onnx => (onnx, OnnxModelFile.Read(path), opened, onnx.Normalization),
                TorchLayeredModel torch => (torch, ZooOnnxExport.Export(torch.Net), opened, null),
                _ => throw new NotSupportedException($"--model '{path}': no ONNX form for this kind of model."),
            };
        }
        catch
        {
            opened.Dispose();
            throw;
        }
    }

    /// <summary>The hardened graph on ONNX Runtime against the guard on seeded images: largest logit difference and agreeing labels; throws on disagreement.</summary>
    private static (float Difference, int Agreed) Check(ILayeredModel model, FireGuard guard, ModelProto hardened, InputNormalization? normalization,
        string source, int threads)
    {
        var images = NoiseImages.Draw(new Random(Seeds.For(1, Seeds.Fingerprint)), CheckImages, model.InputShape);
        using var session = new OnnxClassifier(hardened, source, threads);
        var logits = session.Logits(normalization is null ? images : new FloatBatch(normalization.Apply(images), images.Shape));
        var expected = model.Forward(images, guard.Plan.CreateAccess(model.LayerNames));
        float difference = expected.Data.Zip(logits.Data).Max(p => MathF.Abs(p.First - p.Second));
        var labels = ModelPredictions.Argmax(logits);
        int agreed = labels.Zip(guard.Predict(images).Labels).Count(p => p.First == p.Second);
        if (!(difference <= CheckTolerance) || agreed != CheckImages)
            throw new InvalidOperationException($"The hardened model for '{source}' disagrees with the guard on seeded images (logits by {difference}, {CheckImages - agreed} labels); nothing written. Please report it.");
        return (difference, agreed);
    }

    /// <summary>Plain and hardened graphs timed in one run, interleaved (<see cref="HardenedLatency"/>).</summary>
    private void Bench(ModelProto plain, ModelProto hardened, int[] inputShape, int threads)
    {
        var options = new LatencyOptions();
        var report = HardenedLatency.Compare(plain, hardened, inputShape, threads, options);
        var table = new Table().Border(TableBorder.Rounded).Title($"ONNX Runtime, {threads} thread{(threads == 1 ? "" : "s")}: hardened / plain, interleaved")
            .AddColumns("batch", "plain ms (p10-p90)", "hardened ms (p10-p90)", "ratio");
        foreach (int batch in report.BatchSizes)
        {
            var (p, h) = (report.Row(HardenedLatency.Plain, batch), report.Row(HardenedLatency.Hardened, batch));
            table.AddRow($"{batch}", Span(p.Stats), Span(h.Stats), ReportFormat.Ratio(h.Ratio));
        }
        console.Write(table);
        console.MarkupLineInterpolated($"[grey]{options.Describe()}; median call times, seeded random images.[/]");
    }

    private static string Span(LatencyStats s) => string.Create(CultureInfo.InvariantCulture,
        $"{ReportFormat.Ms(s.MedianMs)} ({ReportFormat.Ms(s.P10Ms)}-{ReportFormat.Ms(s.P90Ms)})");
}
