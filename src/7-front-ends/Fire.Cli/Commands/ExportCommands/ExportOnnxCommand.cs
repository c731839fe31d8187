using System.ComponentModel;
using Fire.Engines.Torch;
using Fire.Engines.Torch.Export;
using Fire.Onnx;
using Fire.Engines.Onnx;
using Fire.Training;
using Onnx;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.ExportCommands;

public sealed class ExportOnnxSettings : ComputeSettings
{
    [CommandArgument(0, "<checkpoint>")]
    [Description("A checkpoint from `fire train` or `fire attack` (model.pt or its sidecar).")]
    public string Checkpoint { get; set; } = "";

    [CommandOption("--out <FILE>")]
    [Description("The ONNX file to write (input `input`: float32 NCHW pixels in [[0, 1]], dynamic batch; output `logits`).")]
    public string? Out { get; set; }

    public override ValidationResult Validate() =>
        Out is null ? ValidationResult.Error("--out is required: the .onnx file to write.") : base.Validate();
}

/// <summary>
/// <c>fire export onnx</c>: a zoo checkpoint as an ONNX graph (normalisation inside, batch norm in eval mode, layers named
/// as in Fire), checked after writing: ONNX Runtime's logits against TorchSharp's on seeded images.
/// </summary>
public sealed class ExportOnnxCommand(IAnsiConsole console) : Command<ExportOnnxSettings>
{
    /// <summary>Agreement asked of the written graph: the tests hold it to 1e-4; this catches a broken export, not rounding.</summary>
    private const float CheckTolerance = 1e-3f;

    public override int Execute(CommandContext context, ExportOnnxSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        string weights = Fire.Training.Checkpoint.WeightsPath(settings.Checkpoint);
        string outPath = OutputPaths.CheckFile(settings.Out!, "--out", Fire.Training.Checkpoint.Files(settings.Checkpoint), "ONNX model", OnnxModelFile.IsOnnxPath, settings.Force);
        var (net, info) = Fire.Training.Checkpoint.Load(settings.Checkpoint);
        using var model = new TorchLayeredModel(net, ownsNet: true);
        var onnx = ZooOnnxExport.Export(net);
        OnnxModelFile.Write(onnx, outPath);
        float difference = Check(model, onnx, outPath, settings.Threads ?? 1);
        console.MarkupLineInterpolated($"Wrote [bold]{outPath}[/]: {info.Architecture} for {string.Join("x", model.InputShape)} images, {info.ClassNames.Count} classes, {new FileInfo(outPath).Length / 1e6:0.0} MB, ONNX opset {OnnxModelFile.Opset}.");
        console.MarkupLineInterpolated($"Layers (ONNX nodes of the same names): {string.Join(", ", model.LayerNames)}. ONNX Runtime's logits differ from TorchSharp's by at most {difference:G2} on 8 seeded images.");
        return 0;
    }

    /// <summary>The largest |logit difference| between ONNX Runtime and TorchSharp on seeded random images; throws past <see cref="CheckTolerance"/>.</summary>
    internal static float Check(ILayeredModel model, ModelProto onnx, string source, int threads)
    {
        var images = NoiseImages.Draw(new Random(Seeds.For(0, Seeds.Fingerprint)), 8, model.InputShape);
        using var session = new OnnxClassifier(onnx, source, threads);
        var expected = model.Forward(images).Data;
        var actual = session.Logits(images).Data;
        float difference = expected.Zip(actual).Max(p => MathF.Abs(p.First - p.Second));
        if (!(difference <= CheckTolerance))
            throw new InvalidOperationException($"'{source}': ONNX Runtime's logits differ from TorchSharp's by {difference} (more than {CheckTolerance}); the export is wrong, please report it.");
        return difference;
    }
}
