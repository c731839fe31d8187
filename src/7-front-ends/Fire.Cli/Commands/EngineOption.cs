using Fire.Evaluation.Models;

namespace Fire.Cli.Commands;

/// <summary>
/// <c>--engine</c>, declared once for the commands that run a model forward only (guard fit / observe / predict, eval,
/// serve): a Fire checkpoint runs on ONNX Runtime by default, exported in memory with its layer names, since ONNX
/// Runtime ran the zoo's models in 0.29-0.30 of TorchSharp's time at batch 1 and at 4.7-5.2 times its throughput at
/// batch 128 (docs/onnx.md); `fire guard fit` on MNIST with 300 flagged images took 8.9 s instead of 18.6, same plan.
/// </summary>
public static class EngineOption
{
    public const string Template = "--engine <ENGINE>";
    public const string Help = "Engine for a Fire checkpoint: onnx (default; ONNX Runtime on the checkpoint exported in memory, 3-5x faster here, docs/onnx.md) or torch (TorchSharp, as in training). An .onnx model always runs on ONNX Runtime.";

    public static CheckpointEngine Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "onnx" => CheckpointEngine.OnnxRuntime,
        "torch" => CheckpointEngine.TorchSharp,
        _ => throw new ArgumentException($"--engine '{text}': choose onnx (ONNX Runtime, the default) or torch (TorchSharp)."),
    };

    /// <summary>Spectre's validation result for the option's value.</summary>
    public static Spectre.Console.ValidationResult Validate(string? text)
    {
        try
        {
            Parse(text);
            return Spectre.Console.ValidationResult.Success();
        }
        catch (ArgumentException e)
        {
            return Spectre.Console.ValidationResult.Error(e.Message);
        }
    }
}
