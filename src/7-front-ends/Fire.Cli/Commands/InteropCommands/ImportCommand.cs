using System.ComponentModel;
using System.Globalization;
using Fire.Attacks;
using Fire.Cli.Commands.AttackCommands;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Engines.Torch.Interop;
using Fire.Training;
using Fire.Training.Interop;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.InteropCommands;

public sealed class ImportSettings : AttackParameterSettings
{
    [CommandOption("--arch <NAME>")]
    [Description("The zoo architecture the weights are for: preact-resnet18 (BackdoorBench's PreActResNet18 names), resnet20 (the common CIFAR ResNet-20 names), or small-cnn / vgg11-bn under Fire's own names.")]
    public string? Architecture { get; set; }

    [CommandOption("--weights <FILE>")]
    [Description("torch.save(model.state_dict()) file (.pt/.pth, zip format), safetensors file, or BackdoorBench attack_result.pt; told apart by content.")]
    public string? Weights { get; set; }

    [CommandOption("--dataset <NAME>")]
    [Description("Data set the model was trained on (a name or a path); gives the class names and image shape, and is where `fire eval` and `fire defend` test it. Default: the one a BackdoorBench record names (clean_data).")]
    public string? Dataset { get; set; }

    [CommandOption("--mean <LIST>")]
    [Description("Per-channel mean the model's inputs were normalised with in PyTorch, e.g. 0.4914,0.4822,0.4465 (default: Fire's for the data set).")]
    public string? Mean { get; set; }

    [CommandOption("--std <LIST>")]
    [Description("Per-channel standard deviation, e.g. 0.247,0.243,0.261 (default: Fire's for the data set).")]
    public string? Std { get; set; }

    [CommandOption("--classes <N>")]
    [Description("Number of classes the model has; checked against the data set and the weights.")]
    public int? Classes { get; set; }

    [CommandOption("--attack <NAME>")]
    [Description("The backdoor the model is known to carry, with its options (--target, --blend-image, --alpha, ...): recorded so that `fire eval` reports CA / ASR / PA and `fire defend` measures FIRE on it.")]
    public string? Attack { get; set; }

    [CommandOption("--out <FILE>")]
    [Description("The Fire checkpoint to write (its sidecar goes to FILE.json).")]
    public string? Out { get; set; }

    public override ValidationResult Validate()
    {
        if (Architecture is null) return ValidationResult.Error($"--arch is required: one of {string.Join(", ", ModelZoo.Architectures)}.");
        if (Weights is null) return ValidationResult.Error("--weights is required: the PyTorch file to import.");
        if (Out is null) return ValidationResult.Error("--out is required: where to write the Fire checkpoint.");
        if (Classes is < 2) return ValidationResult.Error($"--classes must be at least 2, got {Classes}.");
        if (Attack is null && (Target is not null || Rate is not null || AttackArguments.Count > 0))
            return ValidationResult.Error("Attack options were given without --attack: name the attack the model carries.");
        return base.Validate();
    }
}

/// <summary><c>fire import</c>: a PyTorch or BackdoorBench model as a Fire checkpoint with its sidecar.</summary>
public sealed class ImportCommand(IAnsiConsole console) : Command<ImportSettings>
{
    public override int Execute(CommandContext context, ImportSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        using var weights = PyTorchFileReader.Read(settings.Weights!);
        console.MarkupLineInterpolated($"Read the {weights.KindDescription} [bold]{weights.Path}[/]: {weights.Tensors.Count} tensors.");
        string dataset = settings.Dataset ?? weights.RecordString(ModelImport.RecordDataset)
            ?? throw new ArgumentException($"--dataset is required: '{weights.Path}' does not name the data set its model was trained on.");
        var split = settings.LoadData(console, dataset);
        var test = split.Test;
        if (settings.Classes is int classes && classes != test.ClassCount)
            throw new ArgumentException($"--classes {classes} does not match data set '{dataset}', which has {test.ClassCount} classes.");
        var normalization = new Normalization(
            ParseList(settings.Mean, "--mean", test.Channels, positive: false) ?? split.Normalization.Mean,
            ParseList(settings.Std, "--std", test.Channels, positive: true) ?? split.Normalization.Std);
        var attack = settings.Attack is null
            ? null
            : AttackCatalog.Create(settings.Attack, settings.ToOptions(settings.Attack, ImageShape.Of(test))).Spec.ToJson();

        var info = ModelImport.Import(weights, new ImportRequest
        {
            Architecture = settings.Architecture!,
            Dataset = Datasets.Reference(dataset, settings.Data),
            InputShape = [test.Channels, test.Height, test.Width],
            ClassNames = test.ClassNames,
            Normalization = normalization,
            Attack = attack,
        }, settings.Out!);

        var table = new Table().Border(TableBorder.Rounded).AddColumns("", "imported");
        table.AddRow("architecture", Markup.Escape($"{info.Architecture}, read with {PublishedLayout.For(info.Architecture).Description}"));
        table.AddRow("data set", Markup.Escape($"{info.Dataset}: {info.ClassNames.Count} classes, {string.Join("x", info.InputShape)} images"));
        table.AddRow("normalisation", Markup.Escape($"mean [{Join(info.Normalization.Mean)}], std [{Join(info.Normalization.Std)}] (applied inside the Fire model)"));
        table.AddRow("attack", Markup.Escape(settings.Attack is null ? "none recorded" : $"{AttackCatalog.Canonical(settings.Attack)}, all-to-one to class {settings.Target ?? 0}"));
        if (weights.Record.Count > 0) table.AddRow("record", Markup.Escape(weights.Record.ToJsonString()));
        table.AddRow("written", Markup.Escape($"{Path.GetFullPath(Checkpoint.WeightsPath(settings.Out!))} and its sidecar"));
        console.Write(table);
        string next = $"[bold]fire eval {Markup.Escape(settings.Out!)}[/]" + (attack is null ? "" : $", [bold]fire defend --model {Markup.Escape(settings.Out!)}[/]");
        console.MarkupLine($"Next: {next}.");
        return 0;
    }

    private static string Join(float[] values) => string.Join(", ", values.Select(v => v.ToString("0.####", CultureInfo.InvariantCulture)));

    /// <summary>A comma-separated list of one finite number per channel (positive ones for <paramref name="positive"/>), or null when not given.</summary>
    internal static float[]? ParseList(string? text, string option, int channels, bool positive)
    {
        if (text is null) return null;
        var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new float[items.Length];
        for (int i = 0; i < items.Length; i++)
            if (!float.TryParse(items[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]) || (positive && values[i] <= 0))
                throw new ArgumentException($"{option} '{text}': '{items[i]}' is not a {(positive ? "positive" : "finite")} number.");
        if (values.Length != channels)
            throw new ArgumentException($"{option} '{text}' has {values.Length} values; the data set's images have {channels} channels.");
        return values;
    }
}
