using System.ComponentModel;
using Fire.Data;
using Fire.Engines.Onnx;
using Fire.Engines.Torch;
using Fire.Evaluation.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands;

public sealed class ModelLayersSettings : DataSettings
{
    [CommandArgument(0, "<model>")]
    [Description("A checkpoint (model.pt or model.pt.json), an .onnx file or an architecture name.")]
    public string Model { get; set; } = "";

    [CommandOption("--dataset <NAME>")]
    [Description("For an architecture: take the image shape and class count from this data set.")]
    public string? Dataset { get; set; }

    [CommandOption("--input <CxHxW>")]
    [Description("For an architecture: the input shape, e.g. 3x32x32 (default, unless --dataset).")]
    public string? Input { get; set; }

    [CommandOption("--classes <N>")]
    [Description("For an architecture: the number of classes (default: 10, or the data set's).")]
    public int? Classes { get; set; }

    public override ValidationResult Validate() =>
        Dataset is not null && Input is not null ? ValidationResult.Error("Give --dataset or --input, not both.")
        : Classes is < 2 ? ValidationResult.Error($"--classes must be at least 2, got {Classes}.")
        : base.Validate();
}

/// <summary><c>fire model layers</c>: the named layers of a model, with activation shapes and parameter counts.</summary>
public sealed class ModelLayersCommand(IAnsiConsole console) : Command<ModelLayersSettings>
{
    public override int Execute(CommandContext context, ModelLayersSettings settings, CancellationToken cancellation)
    {
        if (ModelFiles.IsOnnx(settings.Model)) return ListOnnx(settings);
        using var net = Build(settings, out string title);
        var parameters = net.LayerParameterCounts();
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title))
            .AddColumn("#", c => c.RightAligned()).AddColumn("layer").AddColumn("activation (C x H x W)")
            .AddColumn("values / sample", c => c.RightAligned()).AddColumn("parameters", c => c.RightAligned());
        var layers = net.DescribeLayers();
        for (int i = 0; i < layers.Count; i++)
            table.AddRow($"{i}", layers[i].Name, string.Join("x", layers[i].ActivationShape), $"{layers[i].ActivationSize:N0}", $"{parameters[i].Parameters:N0}");
        table.AddRow("", "[bold]total[/]", $"input {string.Join("x", net.InputShape)}", "", $"[bold]{net.ParameterCount():N0}[/]");
        console.Write(table);
        return 0;
    }

    /// <summary>An ONNX graph's layers: its cut tensors, named by their producing nodes, with their shapes.</summary>
    private int ListOnnx(ModelLayersSettings settings)
    {
        if (settings.Dataset is not null || settings.Input is not null || settings.Classes is not null)
            throw new ArgumentException("An .onnx model fixes its input shape and classes; leave out --dataset, --input and --classes.");
        using var model = new OnnxLayeredModel(settings.Model);
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"{settings.Model}: ONNX graph, {model.ClassCount} classes, batch {(model.FixedBatch is { } b ? $"fixed at {b}" : "dynamic")}"))
            .AddColumn("#", c => c.RightAligned()).AddColumn("layer (producing node)").AddColumn("tensor").AddColumn("activation (C x H x W)")
            .AddColumn("values / sample", c => c.RightAligned());
        var layers = model.DescribeLayers();
        for (int i = 0; i < layers.Count; i++)
            table.AddRow($"{i}", Markup.Escape(layers[i].Name), Markup.Escape(model.TensorOf(layers[i].Name)), string.Join("x", layers[i].ActivationShape), $"{layers[i].ActivationSize:N0}");
        table.AddRow("", "[bold]input[/]", "", string.Join("x", model.InputShape), "");
        console.Write(table);
        console.MarkupLine("[grey]Layers are the graph's cut tensors: every path from the input to the output passes through each (a residual network is cut between its blocks only).[/]");
        return 0;
    }

    private LayeredNet Build(ModelLayersSettings settings, out string title)
    {
        if (LooksLikeCheckpoint(settings.Model))
        {
            if (settings.Dataset is not null || settings.Input is not null || settings.Classes is not null)
                throw new ArgumentException("A checkpoint fixes its input shape and classes; leave out --dataset, --input and --classes.");
            var (net, info) = Fire.Training.Checkpoint.Load(settings.Model);
            title = $"{info.Architecture} from {settings.Model} ({info.Dataset}, {info.ClassNames.Count} classes)";
            return net;
        }
        int[] shape;
        int classes;
        if (settings.Dataset is not null)
        {
            var train = settings.LoadData(console, settings.Dataset).Train;
            shape = new[] { train.Channels, train.Height, train.Width };
            classes = settings.Classes ?? train.ClassCount;
        }
        else
        {
            shape = ParseShape(settings.Input ?? "3x32x32");
            classes = settings.Classes ?? 10;
        }
        title = $"{settings.Model} for {string.Join("x", shape)} images, {classes} classes";
        return ModelZoo.Create(settings.Model, shape[0], shape[1], shape[2], classes, Normalization.Identity(shape[0]));
    }

    /// <summary>An existing file, or a name with a folder or a checkpoint extension; anything else names an architecture.</summary>
    private static bool LooksLikeCheckpoint(string model) =>
        File.Exists(Fire.Training.Checkpoint.WeightsPath(model)) || model.Contains(Path.DirectorySeparatorChar)
        || model.EndsWith(".pt", StringComparison.OrdinalIgnoreCase) || model.EndsWith(Fire.Training.Checkpoint.SidecarSuffix, StringComparison.OrdinalIgnoreCase);

    private static int[] ParseShape(string text)
    {
        var parts = text.Split('x', 'X');
        var shape = parts.Select(p => int.TryParse(p, out int d) && d > 0 ? d : -1).ToArray();
        if (shape.Length != 3 || shape.Any(d => d < 0))
            throw new ArgumentException($"--input '{text}' is not an image shape like 3x32x32 (channels x height x width).");
        return shape;
    }
}
