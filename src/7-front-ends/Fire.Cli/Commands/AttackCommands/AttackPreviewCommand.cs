using System.ComponentModel;
using Fire.Attacks;
using Fire.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.AttackCommands;

public sealed class AttackPreviewSettings : AttackParameterSettings
{
    [CommandOption("--dataset <NAME>")]
    [Description("Data set whose test images are shown (default with --from: the checkpoint's).")]
    public string? Dataset { get; set; }

    [CommandOption("--attacks <LIST>")]
    [Description("Comma-separated attacks, or all (default). IAD needs a trained generator: give --from.")]
    public string Attacks { get; set; } = "all";

    [CommandOption("--from <CHECKPOINT>")]
    [Description("Preview the trigger of a backdoored checkpoint (any attack, IAD included).")]
    public string? From { get; set; }

    [CommandOption("--count <N>")]
    [Description("Images per grid, one per non-target class first (default: 8).")]
    public int Count { get; set; } = 8;

    [CommandOption("--scale <N>")]
    [Description("Enlargement of each image (default: 4).")]
    public int Scale { get; set; } = 4;

    [CommandOption("--out <DIR>")]
    [Description("Folder for the PNG grids (default: runs/previews).")]
    public string Out { get; set; } = Path.Combine("runs", "previews");

    public override ValidationResult Validate()
    {
        if (Dataset is null && From is null) return ValidationResult.Error("Give --dataset, or --from a backdoored checkpoint.");
        if (Count < 1) return ValidationResult.Error($"--count must be at least 1, got {Count}.");
        if (Scale < 1) return ValidationResult.Error($"--scale must be at least 1, got {Scale}.");
        return base.Validate();
    }
}

/// <summary>
/// <c>fire attack preview</c>: one PNG grid per attack, a row per test image: clean | poisoned | amplified difference
/// (|poisoned - clean| x 10, clipped), so a trigger's placement and strength can be seen at a glance.
/// </summary>
public sealed class AttackPreviewCommand(IAnsiConsole console) : Command<AttackPreviewSettings>
{
    public const float Amplification = 10f;

    public override int Execute(CommandContext context, AttackPreviewSettings settings, CancellationToken cancellation)
    {
        if (settings.From is not null) return FromCheckpoint(settings);
        var split = settings.LoadData(console, settings.Dataset!);
        string dataset = Datasets.Locate(settings.Dataset!, settings.Data).Name;
        var names = settings.Attacks.Equals("all", StringComparison.OrdinalIgnoreCase)
            ? AttackCatalog.Names
            : settings.Attacks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(AttackCatalog.Canonical).ToList();
        CheckParametersAreUsed(settings, names);
        foreach (string name in names)
        {
            if (name == IadAttack.Kind)
            {
                console.MarkupLine("[yellow]iad[/]: skipped; its trigger comes from a trained generator. Train one with `fire attack --attack iad` and preview it with --from.");
                continue;
            }
            var attack = AttackCatalog.Create(name, settings.ToOptions(name, ImageShape.Of(split.Test), onlyItsOwn: true));
            Write(settings, split.Test, attack, $"{dataset}-{name}.png");
        }
        return 0;
    }

    private int FromCheckpoint(AttackPreviewSettings settings)
    {
        using var checkpoint = BackdoorCheckpoint.Load(settings.From!);
        var split = settings.LoadCheckpointData(console, checkpoint.Info, settings.From!, settings.Dataset);
        Write(settings, split.Test, checkpoint.Attack, $"{Path.GetFileNameWithoutExtension(settings.From!)}-{checkpoint.Attack.Name}.png");
        return 0;
    }

    private void Write(AttackPreviewSettings settings, ImageDataset test, BackdoorAttack attack, string fileName)
    {
        var indices = Sample(test, attack.Target, settings.Count);
        var clean = BatchLoader.ToFloat(test, indices);
        var poisoned = attack.Trigger.Apply(new FloatBatch(clean, [indices.Length, test.Channels, test.Height, test.Width])).Data;
        int size = test.SampleSize;
        var grid = new float[3 * clean.Length];
        for (int n = 0; n < indices.Length; n++)
        {
            var row = grid.AsSpan(3 * n * size, 3 * size);
            clean.AsSpan(n * size, size).CopyTo(row);
            poisoned.AsSpan(n * size, size).CopyTo(row[size..]);
            for (int i = 0; i < size; i++)
                row[2 * size + i] = Math.Min(1f, Math.Abs(poisoned[n * size + i] - clean[n * size + i]) * Amplification);
        }
        string path = Path.GetFullPath(Path.Combine(settings.Out, fileName));
        ImageGrid.Save(path, grid, 3 * indices.Length, test.Channels, test.Height, test.Width, columns: 3, settings.Scale);
        double meanChange = poisoned.Zip(clean).Average(p => Math.Abs(p.First - p.Second)) * 255;
        console.MarkupLineInterpolated($"[bold]{attack.Name}[/]: {path}  (clean | poisoned | |difference| x {Amplification}; mean change {meanChange:F2} levels of 255)");
    }

    /// <summary>Test images of the non-target classes: the first of each class in turn, then the next ones.</summary>
    private static int[] Sample(ImageDataset test, int target, int count)
    {
        var byClass = PoisonedSets.NonTargetIndices(test, target).GroupBy(i => test.Labels[i]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        var chosen = new List<int>();
        for (int round = 0; chosen.Count < count && byClass.Any(c => c.Length > round); round++)
            chosen.AddRange(byClass.Where(c => c.Length > round).Select(c => c[round]).Take(count - chosen.Count));
        return chosen.ToArray();
    }

    /// <summary>A parameter none of the previewed attacks takes is a mistake worth reporting.</summary>
    private static void CheckParametersAreUsed(AttackPreviewSettings settings, IReadOnlyList<string> names)
    {
        var given = settings.ToOptions(names[0], new ImageShape(1, 1, 1)).GivenParameters();
        var unused = given.Where(option => !names.Any(name => AttackCatalog.Options(name).Contains(option))).ToArray();
        if (unused.Length > 0)
            throw new ArgumentException($"None of the previewed attacks ({string.Join(", ", names)}) takes {string.Join(", ", unused)}.");
    }
}
