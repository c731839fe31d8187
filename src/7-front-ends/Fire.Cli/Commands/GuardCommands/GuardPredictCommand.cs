using System.ComponentModel;
using System.Globalization;
using Fire.Defenses.Baselines;
using Fire.Evaluation.Models;
using Fire.Guard;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.GuardCommands;

public sealed class GuardPredictSettings : SavedGuardSettings
{
    [CommandArgument(0, "<images>")]
    [Description("Images to classify: image files, folders of them (any depth) or archives.")]
    public string[] Images { get; set; } = [];

    [CommandOption("--csv <FILE>")]
    [Description("Write every image's predictions to this CSV file: file, prediction with and without the repair, score.")]
    public string? Csv { get; set; }

    [CommandOption("--show <N>")]
    [Description("Rows of the table on screen (default: 20; the CSV holds all).")]
    public int Show { get; set; } = 20;

    [CommandOption(EngineOption.Template)]
    [Description(EngineOption.Help)]
    public string? Engine { get; set; }

    public override ValidationResult Validate()
    {
        if (Show < 0) return ValidationResult.Error($"--show must be 0 or more, got {Show}.");
        return EngineOption.Validate(Engine) is { Successful: false } error ? error : base.Validate();
    }
}

/// <summary><c>fire guard predict</c>: classifies images with a saved guard, beside the model's own predictions.</summary>
public sealed class GuardPredictCommand(IAnsiConsole console) : Command<GuardPredictSettings>
{
    public override int Execute(CommandContext context, GuardPredictSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        if (settings.Csv is not null)
            OutputPaths.CheckFile(settings.Csv, "--csv", [.. Fire.Training.Checkpoint.Files(settings.Model!), settings.Guard, .. settings.Images], "CSV file", FileKinds.IsText, settings.Force);
        using var deployed = ModelFiles.OpenForGuard(settings.Model!, settings.Guard!, settings.ModelInput() with { Engine = EngineOption.Parse(settings.Engine) });
        using var guard = FireGuard.Load(settings.Guard!, deployed.Model);
        var (files, images) = CheckpointImages.Load(console, deployed.InputShape, settings.Images, "Images");
        console.MarkupLineInterpolated($"Guard {settings.Guard}: [bold]{guard.Plan}[/]");
        var undefended = ModelPredictions.Predict(deployed.Model, images);
        var repaired = guard.Predict(images);

        var rows = Enumerable.Range(0, files.Count).Select(i => new Row(files.Files[i], files.Names[i], undefended[i], repaired.Labels[i], repaired.Scores?[i])).ToList();
        var table = new Table().Border(TableBorder.Rounded).AddColumns("image", "model", "with FIRE", "score (clean std)");
        foreach (var row in rows.Take(settings.Show))
            table.AddRow(Markup.Escape(row.Name), Markup.Escape(deployed.ClassName(row.Undefended)),
                row.Changed ? $"[bold]{Markup.Escape(deployed.ClassName(row.Repaired))}[/]" : Markup.Escape(deployed.ClassName(row.Repaired)),
                row.Score is { } score ? score.ToString("0.00", CultureInfo.InvariantCulture) : "");
        if (settings.Show > 0) console.Write(table);
        if (rows.Count > settings.Show) console.MarkupLineInterpolated($"[grey]({rows.Count - settings.Show:N0} more rows{(settings.Csv is null ? "; --csv writes all" : " in the CSV")})[/]");
        int target = guard.Plan.EstimatedTarget;
        console.MarkupLineInterpolated($"{rows.Count:N0} images: the repair changed {rows.Count(r => r.Changed):N0} predictions; {rows.Count(r => r.Undefended == target):N0} without it and {rows.Count(r => r.Repaired == target):N0} with it are the estimated target {deployed.ClassName(target)}.");
        if (settings.Csv is not null) WriteCsv(settings.Csv, rows, deployed);
        return 0;
    }

    private void WriteCsv(string path, IReadOnlyList<Row> rows, OpenedModel deployed)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        static string Quote(string text) => text.IndexOfAny([',', '"', '\n']) < 0 ? text : $"\"{text.Replace("\"", "\"\"")}\"";
        File.WriteAllLines(full, rows.Select(r => string.Join(',', Quote(r.File), r.Undefended, Quote(deployed.ClassNames[r.Undefended]),
                r.Repaired, Quote(deployed.ClassNames[r.Repaired]), r.Score?.ToString("R", CultureInfo.InvariantCulture) ?? ""))
            .Prepend("file,model_label,model_class,fire_label,fire_class,score"));
        console.MarkupLineInterpolated($"Wrote [bold]{full}[/]");
    }

    private sealed record Row(string File, string Name, int Undefended, int Repaired, float? Score)
    {
        public bool Changed => Undefended != Repaired;
    }
}
