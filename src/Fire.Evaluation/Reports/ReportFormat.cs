using System.Globalization;
using Fire.Training;
using TorchSharp;

namespace Fire.Evaluation.Reports;

/// <summary>How reports write numbers (invariant culture): shares as percentages, latency ratios, milliseconds; and when and where they were written.</summary>
public static class ReportFormat
{
    /// <summary>A share in [0, 1] as a percentage with one decimal, without the sign ("97.3"); NaN as "–".</summary>
    public static string Points(double share) => double.IsNaN(share) ? "–" : (100 * share).ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>A share in [0, 1] as "97.3%".</summary>
    public static string Percent(double share) => Points(share) + "%";

    /// <summary>A latency ratio as "1.02×" (one decimal from 10 on).</summary>
    public static string Ratio(double ratio) => ratio.ToString(ratio < 10 ? "F2" : "F1", CultureInfo.InvariantCulture) + "×";

    /// <summary>Milliseconds with two decimals below 10, one above.</summary>
    public static string Ms(double ms) => ms.ToString(ms < 10 ? "F2" : "F1", CultureInfo.InvariantCulture);

    /// <summary>
    /// "Written 2026-12-02 00:18 UTC on 2 CPU cores, 2 torch threads, Fire 1.0.0+&lt;commit&gt;.": the line every generated
    /// report carries, so a reader can tell which code wrote its figures and on what.
    /// </summary>
    public static string WrittenLine()
    {
        int threads = torch.get_num_threads();
        return string.Create(CultureInfo.InvariantCulture,
            $"Written {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} CPU cores, {threads} torch thread{(threads == 1 ? "" : "s")}, Fire {CheckpointInfo.CurrentFireVersion}.");
    }
}
