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
    public static T Run<T>(IAnsiConsole console, Func<IProgress<BenchmarkProgress>, T> run) =>
        ProgressDisplay.Run(console,
            [new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn()],
            (context, redraw) =>
            {
                var cells = context.AddTask("cells", maxValue: 1);
                var stage = context.AddTask("starting", maxValue: 1);
                stage.IsIndeterminate = true;
                return run(new Updater(console, cells, stage, redraw));
            });

    /// <summary>A new stage (the text before its first ':' changes) or a finished cell draws at once; updates within a stage are throttled.</summary>
    private sealed class Updater(IAnsiConsole console, ProgressTask cells, ProgressTask stage, Action<bool> redraw) : IProgress<BenchmarkProgress>
    {
        private string? _phase;

        public void Report(BenchmarkProgress p)
        {
            cells.MaxValue = Math.Max(1, p.Total);
            cells.Value = p.Done;
            cells.Description = $"cells {p.Done}/{p.Total} ({p.Reused} reused)  ETA {(p.Eta is { } eta ? eta.ToString(@"hh\:mm\:ss") : "--:--:--")}";
            stage.Description = Markup.Escape(p.Current is null ? p.Stage : $"{p.Current}: {p.Stage}");
            if (p.Finished is { } finished) console.MarkupLine(Describe(finished));
            string phase = $"{p.Current} {p.Stage.Split(':')[0]}";
            redraw(p.Finished is not null || phase != _phase);
            _phase = phase;
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
