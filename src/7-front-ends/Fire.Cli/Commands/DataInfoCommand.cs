using System.ComponentModel;
using Fire.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands;

public sealed class DataInfoSettings : DataSettings
{
    [CommandArgument(0, "<dataset>")]
    [Description("cifar10, gtsrb, mnist, fashion-mnist, or a folder of class folders.")]
    public string Dataset { get; set; } = "";

    [CommandOption("--out <PNG>")]
    [Description("Where to write the grid of sample images (default: runs/data-<name>.png).")]
    public string? Out { get; set; }

    [CommandOption("--roi")]
    [Description("GTSRB: crop each sign to its region of interest before resizing.")]
    public bool Roi { get; set; }

    [CommandOption("--no-cache")]
    [Description("Decode the data set again instead of reading (and writing) the decoded-data cache.")]
    public bool NoCache { get; set; }
}

/// <summary><c>fire data info</c>: what a data set holds, and a picture of it.</summary>
public sealed class DataInfoCommand(IAnsiConsole console) : Command<DataInfoSettings>
{
    public override int Execute(CommandContext context, DataInfoSettings settings, CancellationToken cancellation)
    {
        var split = settings.LoadData(console, settings.Dataset, new DataLoadOptions { CropToRoi = settings.Roi, UseCache = !settings.NoCache });
        var summary = DatasetSummary.Of(Datasets.Locate(settings.Dataset, settings.Data), split);
        console.MarkupLineInterpolated($"[bold]{summary.Location.Name}[/] ({summary.Location.Format}) from {summary.Location.Path}");

        var splits = new Table().Border(TableBorder.Rounded).AddColumns("split", "images", "image shape (C x H x W)", "classes", "pixel mean", "pixel std");
        foreach (var s in new[] { summary.Train, summary.Test })
            splits.AddRow(Markup.Escape(s.Name), $"{s.Count:N0}", $"{s.Channels}x{s.Height}x{s.Width}", $"{s.Classes.Count}",
                Markup.Escape(Format(s.PixelStatistics.Mean)), Markup.Escape(Format(s.PixelStatistics.Std)));
        console.Write(splits);
        console.MarkupLineInterpolated($"normalisation the models use: mean {Format(summary.Normalization.Mean, "0.####")}, std {Format(summary.Normalization.Std, "0.####")}");

        var classes = new Table().Border(TableBorder.Rounded)
            .AddColumn("label", c => c.RightAligned()).AddColumn("class").AddColumn("train", c => c.RightAligned()).AddColumn("test", c => c.RightAligned());
        foreach (var (train, test) in summary.Train.Classes.Zip(summary.Test.Classes))
            classes.AddRow($"{train.Label}", Markup.Escape(train.Name), $"{train.Count:N0}", $"{test.Count:N0}");
        console.Write(classes);

        string output = Path.GetFullPath(settings.Out ?? Path.Combine("runs", $"data-{summary.Location.Name}.png"));
        OutputPaths.CheckFile(output, "--out", [summary.Location.Path], "PNG image", FileKinds.IsPng, settings.Force);
        int perClass = split.Train.ClassCount <= 10 ? 8 : 4;
        var samples = Enumerable.Range(0, split.Train.ClassCount).SelectMany(label => SpreadOver(split.Train, label, perClass)).ToArray();
        // Up to 10 classes: one class per row; more: four classes per row.
        ImageGrid.Save(output, split.Train, samples, columns: split.Train.ClassCount <= 10 ? perClass : 4 * perClass);
        console.MarkupLineInterpolated($"Grid of {perClass} training images per class, class after class: {output}");
        return 0;
    }

    /// <summary>Up to <paramref name="count"/> images of a class, evenly spaced over it (GTSRB stores tracks of one sign together).</summary>
    private static IEnumerable<int> SpreadOver(ImageDataset data, int label, int count)
    {
        var members = Enumerable.Range(0, data.Count).Where(i => data.Labels[i] == label).ToArray();
        int taken = Math.Min(count, members.Length);
        return Enumerable.Range(0, taken).Select(k => members[(long)k * members.Length / taken]);
    }

    private static string Format(float[] values, string number = "0.###") => $"[{string.Join(", ", values.Select(v => v.ToString(number)))}]";
}
