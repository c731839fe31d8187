using Fire.Evaluation.Benchmark;
using Fire.Evaluation.Metrics;
using Fire.Evaluation.Repair;
using Fire.Evaluation.Reports;

namespace Fire.Evaluation.Tests.Benchmark;

public sealed class ReportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fire-bench-report-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly BenchmarkRecipe Recipe = new() { Epochs = 2, TrainSubset = 3000, TestSubset = 1000, StreamingPoints = [1, 10] };
    private static readonly BenchmarkMatrix Matrix = new(["mnist"], ["small-cnn"], ["badnets", "blended"], ["none", "fire", "strip", "jpeg"], [0], Recipe);
    private static readonly ReportContext Context = new("Test report", "fire bench --datasets mnist", "2 CPU core(s)");

    private static LatencySummary Latency(double ms, double ratio) => new(ms, ms * 0.9, ms * 1.2, 128_000 / (64 * ratio), ratio, ratio);

    /// <summary>One setting with figures chosen by hand: FIRE is behind STRIP-free "jpeg" on PA.</summary>
    private static SettingSummary Setting(string attack) => new("mnist", "small-cnn", attack,
    [
        new DefenseSummary("none", 1, new BackdoorMetrics(0.99, 1.0, 0.0), null, Latency(0.5, 1.0), null, null),
        new DefenseSummary("fire-unpaired", 1, new BackdoorMetrics(0.985, 0.05, 0.90), null, Latency(0.51, 1.02),
            [new StreamingPoint(1, new BackdoorMetrics(0.98, 0.6, 0.35), "p", 0), new StreamingPoint(10, new BackdoorMetrics(0.985, 0.05, 0.9), "p", 0)], null),
        new DefenseSummary("strip", 1, new BackdoorMetrics(0.98, 0.1, 0.0, 0.01, 0.9), 0.97, Latency(30, 60), null, null),
        new DefenseSummary("jpeg", 1, new BackdoorMetrics(0.95, 0.02, 0.93), null, Latency(0.8, 1.6), null, null),
    ]);

    private static List<CellResult> Results(Func<BenchmarkCell, string?>? error = null) => Matrix.Cells().Select(cell =>
    {
        string? failure = error?.Invoke(cell);
        return new CellResult(cell, BenchmarkRunner.Fingerprint(cell, Recipe), Recipe, "m", failure is null ? FakeBackend.Measure(cell) : null, failure, 1, DateTimeOffset.UnixEpoch);
    }).ToList();

    [Fact]
    public void Each_defense_is_a_table_row_with_figures_latency_and_ratios()
    {
        var results = Results(cell => cell.Defense == "jpeg" && cell.Attack == "blended" ? "ArgumentException: a|b" : null);
        var settings = SettingSummary.Aggregate(Matrix, results.Where(r => !(r.Cell.Defense == "strip" && r.Cell.Attack == "blended")).ToList());
        // FakeBackend.Measure: CA 90%, PA = (length of the name mod 10) / 10, batch-1 median 2 ms (1.5-2.5), batch 128 in 64 ms, ratios 2.
        Assert.Equal(
        [
            "| defense | CA % | ASR % | PA % | abstain % (clean / poisoned) | AUROC | ms/img @1 (p10–p90) | img/s @128 | ratio @1 | ratio @128 |",
            "|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
            "| none | 90.0 | 60.0 | 40.0 | 0.0 / 0.0 | – | 2.00 (1.50–2.50) | 2,000 | 2.00× | 2.00× |",
            "| fire-unpaired | 90.0 | 70.0 | 30.0 | 0.0 / 0.0 | – | 2.00 (1.50–2.50) | 2,000 | 2.00× | 2.00× |",
            "| strip | not measured | | | | | | | | |",
            "| jpeg | failed: ArgumentException: a\\|b | | | | | | | | |",
        ], ResultsReport.Table(settings[1].Defenses));
        Assert.Equal("| strip | 90.0 | 50.0 | 50.0 | 0.0 / 0.0 | – | 2.00 (1.50–2.50) | 2,000 | 2.00× | 2.00× |", ResultsReport.Table(settings[0].Defenses)[4]);
    }

    [Fact]
    public void Stale_results_and_cells_of_other_matrices_are_not_reported()
    {
        var stale = Results().Select(r => r with { Fingerprint = "0000000000000000" }).ToList();
        var other = new CellResult(new BenchmarkCell("gtsrb", "small-cnn", "badnets", "none", 0), "x", Recipe, null, FakeBackend.Measure(new BenchmarkCell("gtsrb", "small-cnn", "badnets", "none", 0)), null, 1, DateTimeOffset.UnixEpoch);
        var settings = SettingSummary.Aggregate(Matrix, [.. stale, other]);
        Assert.Equal(["badnets", "blended"], settings.Select(s => s.Attack));
        Assert.All(settings.SelectMany(s => s.Defenses), d => Assert.Null(d.Metrics));
    }

    [Fact]
    public void Seeds_are_averaged()
    {
        var matrix = Matrix with { Seeds = [0, 1], Attacks = ["badnets"], Defenses = ["none"] };
        var results = matrix.Cells().Select((cell, i) => new CellResult(cell, BenchmarkRunner.Fingerprint(cell, Recipe), Recipe, null,
            FakeBackend.Measure(cell) with { Metrics = new BackdoorMetrics(0.8 + 0.1 * i, 0.5, 0.2 * i) }, null, 1, DateTimeOffset.UnixEpoch)).ToList();
        var summary = SettingSummary.Aggregate(matrix, results).Single().Defenses.Single();
        Assert.Equal(2, summary.Seeds);
        Assert.Equal(0.85, summary.Metrics!.CleanAccuracy, 12);
        Assert.Equal(0.1, summary.Metrics.PoisonedAccuracy, 12);
    }

    [Fact]
    public void The_streaming_table_has_a_row_per_k()
    {
        Assert.Equal(
        [
            "| k | fire-unpaired PA / CA |",
            "|--:|--:|",
            "| 1 | 35.0 / 98.0 |",
            "| 10 | 90.0 / 98.5 |",
        ], ResultsReport.StreamingTable(Setting("badnets").Defenses));
    }

    [Fact]
    public void Findings_are_computed_from_the_numbers()
    {
        var findings = Findings.Compute([Setting("badnets")]);
        Assert.Equal(
        [
            "- **Claim check**: FIRE has the best PA among the runtime mitigations that answer every input in 0 of 1 setting(s); its batch-1 latency ratio is the lowest of all mitigations in 1 of 1 (data set, model) pair(s).",
            "- **mnist / small-cnn / badnets**: FIRE is **not** best: its best variant fire-unpaired reaches PA 90.0% (CA 98.5%), behind jpeg 93.0% (CA 95.0%) (undefended: PA 0.0%, CA 99.0%).",
            "- **mnist / small-cnn / badnets, detectors** (they abstain on the inputs they flag, so their PA is not compared): strip abstains on 90.0% of poisoned and 1.0% of clean inputs (AUROC 0.970), ASR 10.0%; FIRE (fire-unpaired) answers every input with ASR 5.0%.",
            "- **Cost, mnist / small-cnn** (latency ratio to the undefended model, batch 1 / batch 128): FIRE 1.02× / 1.02×; jpeg 1.60× / 1.60×, strip 60.0× / 60.0×. FIRE is the cheapest mitigation at batch 1.",
        ], findings);
    }

    [Fact]
    public void A_detector_is_not_the_best_baseline_by_pa_and_no_pa_claim_rests_on_detectors_alone()
    {
        // Beside FIRE only STRIP, which abstains on 90% of poisoned inputs: its PA of 0% must not read as "best baseline".
        var fireAndDetector = Setting("blended") with { Defenses = Setting("blended").Defenses.Where(d => d.Defense != "jpeg").ToList() };
        Assert.Equal(
        [
            "- **mnist / small-cnn / blended**: FIRE (fire-unpaired) has the best PA, 90.0%, CA 98.5% (undefended: PA 0.0%, CA 99.0%).",
            "- **mnist / small-cnn / blended, detectors** (they abstain on the inputs they flag, so their PA is not compared): strip abstains on 90.0% of poisoned and 1.0% of clean inputs (AUROC 0.970), ASR 10.0%; FIRE (fire-unpaired) answers every input with ASR 5.0%.",
            "- **Cost, mnist / small-cnn** (latency ratio to the undefended model, batch 1 / batch 128): FIRE 1.02× / 1.02×; strip 60.0× / 60.0×. FIRE is the cheapest mitigation at batch 1.",
        ], Findings.Compute([fireAndDetector]));

        var detectorAlone = Setting("blended") with { Defenses = Setting("blended").Defenses.Where(d => d.Defense is "none" or "strip").ToList() };
        Assert.Equal(["- **mnist / small-cnn / blended, detectors** (they abstain on the inputs they flag, so their PA is not compared): strip abstains on 90.0% of poisoned and 1.0% of clean inputs (AUROC 0.970), ASR 10.0%."],
            Findings.Compute([detectorAlone]));
        var unscored = detectorAlone with { Defenses = detectorAlone.Defenses.Select(d => d with { Auroc = null }).ToList() };
        Assert.Equal(["- **mnist / small-cnn / blended, detectors** (they abstain on the inputs they flag, so their PA is not compared): strip abstains on 90.0% of poisoned and 1.0% of clean inputs, ASR 10.0%."],
            Findings.Compute([unscored]));
    }

    [Fact]
    public void The_recipe_names_the_detectors_whose_abstentions_count_as_neither()
    {
        Assert.Equal("Abstentions (the inputs a detector flags: strip) count as neither, so the findings compare PA only among the defenses that answer every input.",
            ResultsReport.AbstentionNote(Matrix));
        Assert.Equal("Abstentions count as neither.", ResultsReport.AbstentionNote(Matrix with { Defenses = ["none", "fire", "jpeg"] }));
    }

    [Fact]
    public void With_fire_alone_there_is_no_claim_to_check_and_no_cost_comparison()
    {
        var fireOnly = Setting("badnets") with { Defenses = Setting("badnets").Defenses.Where(d => d.Defense is "none" or "fire-unpaired").ToList() };
        Assert.Equal(["- **mnist / small-cnn / badnets**: FIRE (fire-unpaired) has the best PA, 90.0%, CA 98.5% (undefended: PA 0.0%, CA 99.0%)."],
            Findings.Compute([fireOnly]));
    }

    [Fact]
    public void The_report_states_the_recipe_and_command_and_links_the_plots_it_wrote()
    {
        string path = Path.Combine(_folder, "docs", "results.md");
        var written = ResultsReport.Write(path, Matrix, Results(), Context);
        string markdown = File.ReadAllText(path);

        Assert.StartsWith("# Test report\n", markdown);
        Assert.Contains("```\nfire bench --datasets mnist\n```", markdown);
        Assert.Contains("- " + Recipe.Describe(), markdown);
        Assert.Contains("- Machine: 2 CPU core(s).", markdown);
        Assert.Contains("## mnist / small-cnn\n\n### badnets\n\n| defense |", markdown);
        Assert.Contains("![Latency per defense (log scale), mnist / small-cnn](results/mnist-small-cnn-latency.png)", markdown);

        Assert.Equal(path, written[0]);
        Assert.Equal(["mnist-small-cnn-asr.png", "mnist-small-cnn-ca.png", "mnist-small-cnn-latency.png", "mnist-small-cnn-pa.png"],
            written.Skip(1).Select(Path.GetFileName).Order());
        foreach (var png in written.Skip(1))
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);
        var links = System.Text.RegularExpressions.Regex.Matches(markdown, @"\]\((results/[^)]+)\)").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(4, links.Count);
        Assert.All(links, link => Assert.True(File.Exists(Path.Combine(_folder, "docs", link)), link));
    }

    [Fact]
    public void A_streaming_curve_gets_its_plot()
    {
        var curve = new List<StreamingPoint> { new(1, new BackdoorMetrics(0.9, 0.5, 0.4), "p", 0), new(10, new BackdoorMetrics(0.9, 0.1, 0.8), "p", 0) };
        var results = Results().Select(r => r.Cell.Defense == "fire-unpaired" ? r with { Measurement = r.Measurement! with { Streaming = curve, Plan = "conv3: gated, alpha 1 (estimated target 0, k = 100)" } } : r).ToList();
        string path = Path.Combine(_folder, "fire.md");
        var written = ResultsReport.Write(path, Matrix, results, Context);
        Assert.Contains(Path.Combine(_folder, "fire", "mnist-small-cnn-badnets-streaming.png"), written);
        string markdown = File.ReadAllText(path);
        Assert.Contains("![FIRE's streaming curve, mnist / small-cnn / badnets](fire/mnist-small-cnn-badnets-streaming.png)", markdown);
        Assert.Contains("\nFIRE's choice: fire-unpaired: conv3: gated, alpha 1 (estimated target 0, k = 100).\n", markdown);
    }
}
