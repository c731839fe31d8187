using System.ComponentModel;
using Fire.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands;

public sealed class DataExportSettings : DataSettings
{
    [CommandArgument(0, "<dataset>")]
    [Description("cifar10, gtsrb, mnist, fashion-mnist, or a folder of class folders.")]
    public string Dataset { get; set; } = "";

    [CommandOption("--out <DIR>")]
    [Description("Folder for the PNG files, one sub-folder per class named <label>-<class> (required).")]
    public string? Out { get; set; }

    [CommandOption("--split <SPLIT>")]
    [Description("train or test (default: test).")]
    public string Split { get; set; } = "test";

    [CommandOption("--count <N>")]
    [Description("Images to write, drawn with --seed (default: 100).")]
    public int Count { get; set; } = 100;

    [CommandOption("--classes <LABELS>")]
    [Description("Comma-separated class labels to draw from (default: all).")]
    public string? Classes { get; set; }

    [CommandOption("--exclude <LABELS>")]
    [Description("Comma-separated class labels to leave out (e.g. an attack's target, to export images for flagging).")]
    public string? Exclude { get; set; }

    [CommandOption("--seed <N>")]
    [Description("Seed of the draw (default: 0).")]
    public int Seed { get; set; }

    public override ValidationResult Validate()
    {
        if (Out is null) return ValidationResult.Error("--out is required: the folder for the PNG files.");
        if (Split is not ("train" or "test")) return ValidationResult.Error($"--split is train or test, got '{Split}'.");
        if (Count < 1) return ValidationResult.Error($"--count must be at least 1, got {Count}.");
        return base.Validate();
    }
}

/// <summary><c>fire data export</c>: a seeded draw of a data set's images as PNG files, to hand to commands that take image files.</summary>
public sealed class DataExportCommand(IAnsiConsole console) : Command<DataExportSettings>
{
    public override int Execute(CommandContext context, DataExportSettings settings, CancellationToken cancellation)
    {
        OutputPaths.CheckFolder(settings.Out!, "--out", [DataInputs.PathOf(settings.Dataset, settings.Data)], settings.Force);
        var split = settings.LoadData(console, settings.Dataset);
        var data = settings.Split == "train" ? split.Train : split.Test;
        var included = Labels(settings.Classes, "--classes", data) ?? Enumerable.Range(0, data.ClassCount).ToHashSet();
        included.ExceptWith(Labels(settings.Exclude, "--exclude", data) ?? []);
        var order = Enumerable.Range(0, data.Count).Where(i => included.Contains(data.Labels[i])).ToArray();
        new Random(settings.Seed).Shuffle(order);
        if (order.Length < settings.Count)
            throw new ArgumentException($"{data.Name} holds {order.Length} images of the classes asked for; --count asked for {settings.Count}.");

        string folder = Path.GetFullPath(settings.Out!);
        var images = BatchLoader.ToFloat(data, order[..settings.Count]);
        int size = data.SampleSize;
        for (int n = 0; n < settings.Count; n++)
        {
            int index = order[n], label = data.Labels[index];
            string file = Path.Combine(folder, ClassFolder(label, data.ClassNames[label]), $"{settings.Split}-{index:D6}.png");
            ImageFiles.SavePng(file, images.AsSpan(n * size, size), data.Channels, data.Height, data.Width);
        }
        console.MarkupLineInterpolated($"Wrote {settings.Count:N0} {settings.Split} images of {data.Name} (seed {settings.Seed}) to [bold]{folder}[/].");
        return 0;
    }

    private static HashSet<int>? Labels(string? list, string option, ImageDataset data) => list?
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(text => int.TryParse(text, out int label) && label >= 0 && label < data.ClassCount
            ? label
            : throw new ArgumentException($"{option} takes class labels 0..{data.ClassCount - 1} of {data.Name}, got '{text}'."))
        .ToHashSet();

    /// <summary>"03-speed limit 60km_h": the label first, so folders sort in label order; characters a path cannot hold become '_'.</summary>
    private static string ClassFolder(int label, string className)
    {
        var invalid = Path.GetInvalidFileNameChars().Append('\\').ToHashSet();
        return $"{label:D2}-{new string(className.Select(c => invalid.Contains(c) ? '_' : c).ToArray())}";
    }
}
