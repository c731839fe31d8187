using System.ComponentModel;
using System.Globalization;
using Fire.Data;
using Fire.Evaluation.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands;

/// <summary>
/// Options of the commands that take a model file: for an .onnx model (no sidecar), the normalisation its graph expects
/// outside it and its class names. Fire checkpoints record both and refuse these options.
/// </summary>
public class ModelInputSettings : ComputeSettings
{
    [CommandOption("--mean <VALUES>")]
    [Description("For an .onnx model whose graph expects normalised input: the per-channel mean subtracted from [[0, 1]] pixels, comma-separated, e.g. 0.485,0.456,0.406 (default: none; give --std too).")]
    public string? Mean { get; set; }

    [CommandOption("--std <VALUES>")]
    [Description("For an .onnx model: the per-channel standard deviation the pixels are divided by after --mean, comma-separated.")]
    public string? Std { get; set; }

    [CommandOption("--classes <FILE>")]
    [Description("For an .onnx model: a text file of class names, one per line in label order (default: the class numbers).")]
    public string? Classes { get; set; }

    public override ValidationResult Validate()
    {
        try
        {
            _ = ModelInput().Normalization;
        }
        catch (ArgumentException e)
        {
            return ValidationResult.Error(e.Message);
        }
        return base.Validate();
    }

    public ModelInputOptions ModelInput() => new(Values(Mean, "--mean"), Values(Std, "--std"), Classes, Threads ?? 0);

    /// <summary>The model at <paramref name="path"/>: a Fire checkpoint or an .onnx file with these options.</summary>
    public OpenedModel OpenModel(string path) => ModelFiles.Open(path, ModelInput());

    /// <summary>
    /// The data set for <paramref name="model"/>: the one its checkpoint records or <paramref name="dataset"/> (--dataset);
    /// for an ONNX model, which records none, <paramref name="dataset"/> is required, loaded at the model's input size.
    /// </summary>
    public DataSplit LoadModelData(IAnsiConsole console, OpenedModel model, string? dataset)
    {
        if (model.Info is { } info) return LoadCheckpointData(console, info, model.Path, dataset);
        if (dataset is null)
            throw new ArgumentException($"'{model.Path}' is an ONNX model and records no data set: give --dataset (a name found under --data, or a path) with its {model.ClassCount} classes.");
        var split = LoadData(console, dataset, model.DataOptions());
        model.CheckData(split.Test);
        return split;
    }

    private static float[]? Values(string? text, string option)
    {
        if (text is null) return null;
        var values = new List<float>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
            values.Add(float.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && float.IsFinite(v)
                ? v : throw new ArgumentException($"{option} '{text}': '{part}' is not a finite number; give one number per channel, comma-separated."));
        return values.ToArray();
    }
}
