using Fire.Attacks;
using Spectre.Console;

namespace Fire.Cli.Commands.AttackCommands;

/// <summary>How attack commands describe a recipe, a poisoning and a result.</summary>
public static class AttackDescriptions
{
    public static string Poisoning(BackdoorAttack attack)
    {
        if (attack.Spec.Poisoning is not { } p) return "not trained";
        string text = $"{p.Poisoned:N0} of {p.TrainingImages:N0} training images ({p.EffectiveRate:P2})";
        if (p.Poisoned < p.Requested) text += $", fewer than the {p.Requested:N0} requested: only {p.Poisoned:N0} were eligible";
        if (p.Auxiliary > 0) text += $", plus {p.Auxiliary:N0} label-keeping {attack.AuxiliarySamples} samples";
        if (attack.Spec.RedrawEachEpoch) text += ", drawn afresh every epoch";
        return text;
    }

    public static Table ResultTable(BackdoorAttack attack, BackdoorRun run)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("", "");
        table.ShowHeaders = false;
        table.AddRow("checkpoint", Markup.Escape(run.CheckpointPath));
        if (attack.Spec.Weights is { } weights) table.AddRow("trigger networks", Markup.Escape($"{weights.Path} (SHA-256 {weights.Sha256[..16]}...)"));
        table.AddRow("poisoned", Markup.Escape(Poisoning(attack)));
        if (run.Training.Last is { } last) table.AddRow("train loss / accuracy", $"{last.Loss:F4} / {last.Accuracy:P2}");
        table.AddRow("training time", $"{run.Training.TotalDuration:hh\\:mm\\:ss} ({run.Training.ImagesPerSecond:N0} img/s)");
        AddMetrics(table, run.Metrics);
        return table;
    }

    public static void AddMetrics(Table table, AttackMetrics metrics)
    {
        foreach (var (name, value) in MetricRows(metrics)) table.AddRow(Markup.Escape(name), Markup.Escape(value));
    }

    /// <summary>The figures of a backdoored model as (name, value) rows.</summary>
    public static IEnumerable<(string Metric, string Value)> MetricRows(AttackMetrics metrics)
    {
        yield return ("CA (clean accuracy)", $"{metrics.CleanAccuracy:P2}");
        yield return ("ASR (attack success rate)", $"{metrics.AttackSuccessRate:P2}");
        yield return ("PA (poisoned accuracy, BackdoorBench's RA)", $"{metrics.PoisonedAccuracy:P2}");
        if (metrics.CleanToTarget is double share) yield return ("clean to target (other classes' clean images predicted as the target)", $"{share:P2}");
    }
}
