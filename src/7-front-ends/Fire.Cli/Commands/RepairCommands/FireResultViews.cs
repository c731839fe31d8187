using System.Text.Json;
using System.Text.Json.Serialization;
using Fire.Guard;
using Fire.Evaluation.Metrics;
using Fire.Evaluation.Plots;
using Fire.Evaluation.Repair;
using Spectre.Console;

namespace Fire.Cli.Commands.RepairCommands;

/// <summary>How a FIRE evaluation is shown (tables) and kept (JSON, PNG plots): shared by defend and demo.</summary>
public static class FireResultViews
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static Table Metrics(FireExperimentResult result)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"{result.TestSet}, target {result.Target}")
            .AddColumns("", "CA", "ASR", "PA", "clean → target")
            .Caption("clean → target: clean test images of other classes predicted as the target, no trigger (ASR's floor for a repair that restores clean behaviour)");
        void Row(string name, BackdoorMetrics m) => table.AddRow(Markup.Escape(name), $"{m.CleanAccuracy:P2}", $"{m.AttackSuccessRate:P2}", $"{m.PoisonedAccuracy:P2}",
            m.CleanToTarget is double share ? $"{share:P2}" : "–");
        Row("undefended", result.Undefended);
        Row($"FIRE, k = {result.Observed} {(result.Paired ? "paired" : "unpaired")}", result.Defended);
        return table;
    }

    public static Table Streaming(FireExperimentResult result)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("streaming: figures after k observed poisoned samples")
            .AddColumns("k", "CA", "ASR", "PA", "plan");
        foreach (var p in result.Streaming)
            table.AddRow(p.Observed.ToString(), $"{p.Metrics.CleanAccuracy:P1}", $"{p.Metrics.AttackSuccessRate:P1}", $"{p.Metrics.PoisonedAccuracy:P1}", Markup.Escape(p.Plan));
        return table;
    }

    public static Table? Latency(FireExperimentResult result)
    {
        if (result.Latency is not { } latency) return null;
        var table = new Table().Border(TableBorder.Rounded).Title("latency (median of interleaved runs)")
            .AddColumns("", "batch 1: ms/sample", "batch 128: img/s", "ratio at 1", "ratio at 128");
        foreach (string name in latency.Rows.Select(r => r.Name).Distinct())
        {
            var one = latency.Row(name, 1);
            var many = latency.Row(name, 128);
            table.AddRow(name, $"{one.Stats.MsPerSample:F3}", $"{many.Stats.ImagesPerSecond:N0}", $"{one.Ratio:F3}", $"{many.Ratio:F3}");
        }
        // A defense only adds work, so a ratio well under 1 is the machine's noise, not a speed-up: say so rather than print it bare.
        if (latency.Rows.Any(r => r.Ratio < 0.95))
            table.Caption("[yellow]a ratio under 1 is timing noise (other work on the cores): time again on an idle machine[/]");
        return table;
    }

    /// <summary>The selection rule's outcome in one line, and its best candidates.</summary>
    public static void Selection(IAnsiConsole console, SelectionReport? selection)
    {
        if (selection is null)
        {
            console.MarkupLine("[grey]Plan fixed on the command line (no automatic choice).[/]");
            return;
        }
        console.MarkupLineInterpolated($"Chosen from the clean reference and the observed samples only: [bold]{selection}[/]");
        console.MarkupLineInterpolated($"[grey]Estimated target {selection.EstimatedTarget} (majority prediction on the observed samples); clean accuracy {selection.CleanAccuracy:P1} on the {selection.CleanCount} reference images.[/]");
    }

    /// <summary>Writes results.json, streaming.png and latents.png under <paramref name="folder"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(string folder, FireExperimentResult result, string title)
    {
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        string json = Path.Combine(folder, "results.json");
        AtomicFile.WriteText(json, JsonSerializer.Serialize(result, Json));
        files.Add(json);
        if (result.Streaming.Count > 0)
        {
            string curve = Path.Combine(folder, "streaming.png");
            FirePlots.StreamingCurve(curve, result.Streaming, result.Undefended, $"{title}: FIRE while poisoned samples arrive");
            files.Add(curve);
        }
        if (result.Projection is { } projection)
        {
            string latents = Path.Combine(folder, "latents.png");
            FirePlots.Latents(latents, projection, $"{title}: latents at {projection.Layer} ({projection.Repair})");
            files.Add(latents);
        }
        return files;
    }
}
