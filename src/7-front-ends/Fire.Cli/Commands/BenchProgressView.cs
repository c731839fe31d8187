using Fire.Evaluation.Benchmark;
using Fire.Evaluation.Reports;
using Spectre.Console;

namespace Fire.Cli.Commands;

/// <summary>
/// Shows a benchmark's progress: a bar of cells done of the total (reused ones included) with the ETA, a line with the
/// current cell and what it is doing, and one line per finished cell above them.
/// </summary>
public static class BenchProgressView
{
    public static T Run<T>(IAnsiConsole console, Func<IProgress<BenchmarkProgress>, T> run)
    {
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var cells = context.AddTask("cells", maxValue: 1);
                var stage = context.AddTask("starting", maxValue: 1);
                stage.IsIndeterminate = true;
                result = run(new Updater(console, cells, stage));
            });
        return result;
    }

    private sealed class Updater(IAnsiConsole console, ProgressTask cells, ProgressTask stage) : IProgress<BenchmarkProgress>
    {
        public void Report(BenchmarkProgress p)
        {
            cells.MaxValue = Math.Max(1, p.Total);
            cells.Value = p.Done;
            cells.Description = $"cells {p.Done}/{p.Total} ({p.Reused} reused)  ETA {(p.Eta is { } eta ? eta.ToString(@"hh\:mm\:ss") : "--:--:--")}";
            stage.Description = Markup.Escape(p.Current is null ? p.Stage : $"{p.Current}: {p.Stage}");
            if (p.Finished is { } finished) console.MarkupLine(Describe(finished));
        }

        private static string Describe(CellResult r)
        {
            string cell = Markup.Escape(r.Cell.ToString());
            if (r.Measurement is not { } m) return $"[red]failed[/] {cell}: {Markup.Escape(r.Error ?? "")}";
            string latency = m.Latency is { } l ? $", {ReportFormat.Ratio(l.Batch1.Ratio)} @1" : "";
            return $"[green]done[/] {cell}: CA {ReportFormat.Percent(m.Metrics.CleanAccuracy)}, ASR {ReportFormat.Percent(m.Metrics.AttackSuccessRate)}, " +
                   $"PA {ReportFormat.Percent(m.Metrics.PoisonedAccuracy)}{latency} [grey]({r.Seconds:F0} s)[/]";
        }
    }
}
