using Fire.Evaluation.Streams;
using ScottPlot;

namespace Fire.Evaluation.Plots;

/// <summary>The PNG curves of <c>fire stream</c>: along the stream, each flag source's rolling ASR (solid) and CA (dashed),
/// both the mean over the setting's streams, with the ASR limit and the undefended CA as dotted levels.</summary>
public static class StreamPlots
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    public static void AsrAndCa(string path, string title, IReadOnlyList<StreamSetting> settings, double undefendedCleanAccuracy, double asrLimit)
    {
        if (settings.Count == 0) throw new ArgumentException("A stream plot needs at least one setting.");
        var plot = new Plot();
        for (int s = 0; s < settings.Count; s++)
        {
            var curve = settings[s].MeanCurve;
            double[] x = curve.Select(p => (double)p.Position).ToArray();
            var asr = plot.Add.Scatter(x, curve.Select(p => 100 * p.AttackSuccessRate).ToArray(), Palette.GetColor(s));
            asr.LegendText = $"{settings[s].Source} ASR";
            asr.LineWidth = 2;
            asr.MarkerSize = 0;
            var ca = plot.Add.Scatter(x, curve.Select(p => 100 * p.CleanAccuracy).ToArray(), Palette.GetColor(s));
            ca.LegendText = $"{settings[s].Source} CA";
            ca.LinePattern = LinePattern.Dashed;
            ca.LineWidth = 1.5f;
            ca.MarkerSize = 0;
        }
        var limit = plot.Add.HorizontalLine(100 * asrLimit, 1, Colors.Black, LinePattern.Dotted);
        limit.LegendText = $"ASR {asrLimit:P0}";
        var undefended = plot.Add.HorizontalLine(100 * undefendedCleanAccuracy, 1, Colors.Gray, LinePattern.Dotted);
        undefended.LegendText = "undefended CA";
        plot.Axes.SetLimitsY(0, 101);
        plot.XLabel("stream inputs");
        plot.YLabel("rolling %");
        plot.Title(title);
        plot.ShowLegend(Alignment.MiddleRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 520);
    }
}
