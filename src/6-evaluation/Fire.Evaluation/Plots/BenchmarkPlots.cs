using ScottPlot;

namespace Fire.Evaluation.Plots;

/// <summary>One line of a curve plot: a label and its points (x, y); <see cref="Dashed"/> draws it dashed.</summary>
public sealed record CurveSeries(string Label, IReadOnlyList<(double X, double Y)> Points, bool Dashed = false);

/// <summary>
/// The PNG figures of a benchmark report: grouped bar charts (a figure per metric, groups = attacks, bars = defenses;
/// or latency per defense on a log scale) and curves against a log x axis with reference levels (FIRE's streaming
/// curve against the baselines' PA). Missing values (NaN) leave a gap.
/// </summary>
public static class BenchmarkPlots
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>
    /// Bars of <paramref name="values"/>[group][series]: one cluster per group, one colour per series.
    /// With <paramref name="logScale"/> the value axis is log10 (values must be positive; others are skipped).
    /// </summary>
    public static void GroupedBars(string path, string title, string valueLabel, IReadOnlyList<string> groups, IReadOnlyList<string> series,
        double[][] values, bool logScale = false, double? maximum = null)
    {
        if (values.Length != groups.Count || values.Any(row => row.Length != series.Count))
            throw new ArgumentException($"Bar values must be {groups.Count} groups x {series.Count} series.");
        var plot = new Plot();
        var finite = values.SelectMany(r => r).Where(v => double.IsFinite(v) && (!logScale || v > 0)).ToArray();
        double floor = logScale && finite.Length > 0 ? Math.Floor(Math.Log10(finite.Min())) : 0;
        double slot = 1.0 / (series.Count + 1);
        var bars = new List<Bar>();
        for (int g = 0; g < groups.Count; g++)
        for (int s = 0; s < series.Count; s++)
        {
            double v = values[g][s];
            if (!double.IsFinite(v) || (logScale && v <= 0)) continue;
            bars.Add(new Bar
            {
                Position = g + (s - (series.Count - 1) / 2.0) * slot,
                Value = logScale ? Math.Log10(v) : v,
                ValueBase = floor,
                Size = slot * 0.9,
                FillColor = Palette.GetColor(s),
            });
        }
        plot.Add.Bars(bars);
        for (int s = 0; s < series.Count; s++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s], FillColor = Palette.GetColor(s) });
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, groups.Count).Select(g => (double)g).ToArray(), groups.ToArray());
        if (logScale) plot.Axes.Left.TickGenerator = LogTicks();
        else plot.Axes.SetLimitsY(0, maximum ?? (finite.Length > 0 ? finite.Max() * 1.1 : 1));
        plot.Axes.SetLimitsX(-0.6, groups.Count - 0.4);
        plot.YLabel(valueLabel);
        plot.Title(title);
        plot.ShowLegend(Alignment.UpperRight);
        Save(plot, path, Math.Max(640, 140 * groups.Count + 60 * series.Count), 480);
    }

    /// <summary>Curves against a log10 x axis (ticks at the x values used), with labelled horizontal reference levels (dotted).</summary>
    public static void Curves(string path, string title, string xLabel, string yLabel, IReadOnlyList<CurveSeries> curves,
        IReadOnlyList<(string Label, double Value)> levels, double yMaximum)
    {
        if (curves.Count == 0) throw new ArgumentException("A curve plot needs at least one curve.");
        if (curves.SelectMany(c => c.Points).Any(p => !(p.X > 0)))
            throw new ArgumentException("A log x axis needs positive x values.");
        var plot = new Plot();
        int colour = 0;
        foreach (var curve in curves)
        {
            var scatter = plot.Add.Scatter(curve.Points.Select(p => Math.Log10(p.X)).ToArray(), curve.Points.Select(p => p.Y).ToArray(), Palette.GetColor(colour++));
            scatter.LegendText = curve.Label;
            scatter.LinePattern = curve.Dashed ? LinePattern.Dashed : LinePattern.Solid;
            scatter.LineWidth = 2;
            scatter.MarkerSize = 6;
        }
        foreach (var (label, value) in levels)
        {
            if (!double.IsFinite(value)) continue;
            var line = plot.Add.HorizontalLine(value, 1.5f, Palette.GetColor(colour++), LinePattern.Dotted);
            line.LegendText = label;
        }
        var xs = curves.SelectMany(c => c.Points.Select(p => p.X)).Distinct().Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(xs.Select(Math.Log10).ToArray(), xs.Select(x => x.ToString("G4")).ToArray());
        plot.Axes.SetLimitsY(0, yMaximum);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.Title(title);
        plot.ShowLegend(Alignment.LowerRight);
        Save(plot, path, 860, 520);
    }

    /// <summary>Major ticks at powers of ten labelled with their value, log-spaced minor ticks between them.</summary>
    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = y => Math.Pow(10, y).ToString("G3"),
    };

    private static void Save(Plot plot, string path, int width, int height)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, width, height);
    }
}
