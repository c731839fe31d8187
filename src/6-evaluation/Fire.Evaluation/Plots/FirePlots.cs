using Fire.Evaluation.Metrics;
using Fire.Evaluation.Repair;
using ScottPlot;

namespace Fire.Evaluation.Plots;

/// <summary>The PNG figures of a FIRE evaluation.</summary>
public static class FirePlots
{
    private static readonly Color CleanColor = Colors.SteelBlue, PoisonedColor = Colors.Crimson, RepairedColor = Colors.ForestGreen;

    /// <summary>PA, CA and ASR (%) against the number of observed poisoned samples (log axis), with the undefended CA for reference.</summary>
    public static void StreamingCurve(string path, IReadOnlyList<StreamingPoint> points, BackdoorMetrics undefended, string title)
    {
        if (points.Count == 0) throw new ArgumentException("A streaming curve needs at least one point.");
        var plot = new Plot();
        double[] x = points.Select(p => Math.Log10(p.Observed)).ToArray();
        void Line(string label, Func<BackdoorMetrics, double> value, Color color, LinePattern pattern)
        {
            var scatter = plot.Add.Scatter(x, points.Select(p => 100 * value(p.Metrics)).ToArray(), color);
            scatter.LegendText = label;
            scatter.LinePattern = pattern;
            scatter.LineWidth = 2;
            scatter.MarkerSize = 7;
        }
        Line("PA (FIRE)", m => m.PoisonedAccuracy, RepairedColor, LinePattern.Solid);
        Line("CA (FIRE)", m => m.CleanAccuracy, CleanColor, LinePattern.Solid);
        Line("ASR (FIRE)", m => m.AttackSuccessRate, PoisonedColor, LinePattern.Dashed);
        var reference = plot.Add.HorizontalLine(100 * undefended.CleanAccuracy, 1, CleanColor, LinePattern.Dotted);
        reference.LegendText = "CA undefended";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(x, points.Select(p => p.Observed.ToString()).ToArray());
        plot.Axes.SetLimitsY(0, 100);
        plot.XLabel("observed poisoned samples k");
        plot.YLabel("%");
        plot.Title(title);
        plot.ShowLegend(Alignment.MiddleRight);
        Save(plot, path, 800, 500);
    }

    /// <summary>Clean and poisoned latents before and after repair in the plane of <see cref="LatentProjection"/>.</summary>
    public static void Latents(string path, LatentProjection projection, string title)
    {
        var plot = new Plot();
        void Points(PlanePoints points, string label, Color color, MarkerShape shape)
        {
            var markers = plot.Add.Markers(points.X.Select(v => (double)v).ToArray(), points.Y.Select(v => (double)v).ToArray(), shape, 5, color);
            markers.LegendText = label;
        }
        Points(projection.CleanBefore, "clean", CleanColor.WithAlpha(0.6), MarkerShape.FilledCircle);
        Points(projection.PoisonedBefore, "poisoned", PoisonedColor.WithAlpha(0.6), MarkerShape.FilledCircle);
        Points(projection.CleanAfter, "clean, repaired", CleanColor, MarkerShape.OpenCircle);
        Points(projection.PoisonedAfter, "poisoned, repaired", RepairedColor, MarkerShape.OpenCircle);
        if (projection.Threshold is float threshold)
        {
            var gate = plot.Add.VerticalLine(threshold, 1, Colors.Gray, LinePattern.Dashed);
            gate.LegendText = "gate threshold";
        }
        plot.XLabel($"score along the trigger direction at {projection.Layer}");
        plot.YLabel("top principal component of clean latents (direction removed)");
        plot.Title(title);
        plot.ShowLegend(Alignment.UpperRight);
        Save(plot, path, 800, 600);
    }

    private static void Save(Plot plot, string path, int width, int height)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        plot.SavePng(path, width, height);
    }
}
