using System.Runtime.InteropServices;
using Fire.Evaluation.Benchmark;
using Fire.Evaluation.Reports;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace Fire.Cli.Commands;

/// <summary>
/// <c>fire bench</c>: runs the benchmark matrix (resuming from the results file), then writes the markdown report with
/// its tables, findings and plots.
/// </summary>
public sealed class BenchCommand(IAnsiConsole console) : Command<BenchSettings>
{
    public override int Execute(CommandContext context, BenchSettings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        OutputPaths.CheckFile(settings.Out, "--out", [settings.Results, .. settings.Model is null ? [] : new[] { settings.Model }], "markdown report", FileKinds.IsText, settings.Force);
        using var given = settings.Model is null ? null : settings.OpenModel(settings.Model);
        BenchmarkMatrix matrix;
        IBenchmarkBackend backend;
        if (given is null)
        {
            matrix = settings.Matrix();
            backend = new TorchBenchmarkBackend(new ModelCache(settings.ModelCache), settings.Data);
        }
        else
        {
            var attack = AttackCommands.CommandLineAttacks.ForModel(given, settings.Attack, settings.Target, settings.AttackArguments);
            var split = settings.LoadModelData(console, given, settings.Dataset);
            matrix = settings.GivenMatrix(given, attack, settings.Dataset ?? given.Dataset!);
            backend = new GivenModelBackend(given.Model, attack.Trigger, attack.Target, $"given-{matrix.Recipe.Model!.Sha256[..16]}", split);
        }
        var cells = matrix.Cells();
        console.MarkupLineInterpolated($"Benchmark: {matrix.Datasets.Count} data set(s) x {matrix.Architectures.Count} model(s) x {matrix.Attacks.Count} attack(s) x {matrix.Defenses.Count} defense(s) x {matrix.Seeds.Count} seed(s) = [bold]{cells.Count}[/] cells.");
        console.MarkupLineInterpolated($"[grey]{matrix.Recipe.Describe()}[/]");
        console.MarkupLineInterpolated($"[grey]Results: {Path.GetFullPath(settings.Results)}{(given is null ? $"; models: {Path.GetFullPath(settings.ModelCache)}" : "")}.[/]");

        var runner = new BenchmarkRunner(backend);
        BenchmarkOutcome outcome;
        try
        {
            outcome = BenchProgressView.Run(console, progress => runner.Run(matrix, settings.Results, settings.Force, progress, cancellation));
        }
        catch (OperationCanceledException)
        {
            console.MarkupLineInterpolated($"[yellow]Interrupted.[/] Finished cells are saved in {Path.GetFullPath(settings.Results)}; run the same command again to resume.");
            return 130;
        }
        console.MarkupLineInterpolated($"{outcome.Computed} cell(s) computed ({outcome.Failed} failed), {outcome.Reused} reused from the results file.");

        string machine = $"{Environment.ProcessorCount} CPU core(s), {torch.get_num_threads()} torch thread(s), {RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture}, CPU only";
        var written = ResultsReport.Write(settings.Out, matrix, outcome.Results, new ReportContext(settings.Title, settings.CommandLine(matrix), machine));
        foreach (string finding in Findings.Compute(SettingSummary.Aggregate(matrix, outcome.Results)))
            console.MarkupLineInterpolated($"{finding}");
        console.MarkupLineInterpolated($"Report: [bold]{written[0]}[/] with {written.Count - 1} plot(s) in {Path.Combine(Path.GetDirectoryName(written[0])!, Path.GetFileNameWithoutExtension(written[0]))}.");
        return outcome.Failed > 0 ? 1 : 0;
    }
}
