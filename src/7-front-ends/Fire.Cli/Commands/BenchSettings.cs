using Fire.Attacks;
using System.ComponentModel;
using System.Globalization;
using Fire.Data;
using Fire.Evaluation.Benchmark;
using Fire.Engines.Torch;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands;

/// <summary>
/// Options of <c>fire bench</c>. Lists are comma separated; the defaults are the CPU matrix of docs/results.md. With
/// --model, the benchmark runs on that one model (an .onnx file or a checkpoint) instead of training the matrix's.
/// </summary>
public sealed class BenchSettings : ModelInputSettings, IClaimsOptions
{
    [CommandOption("--datasets <LIST>")]
    [Description("Data sets (default: cifar10,gtsrb).")]
    public string? Datasets { get; set; }

    [CommandOption("--models <LIST>")]
    [Description("Architectures (default: small-cnn).")]
    public string? Models { get; set; }

    [CommandOption("--attacks <LIST>")]
    [Description("Attacks, BackdoorBench defaults, target 0 (default: badnets,blended).")]
    public string? Attacks { get; set; }

    [CommandOption("--model <FILE>")]
    [Description("Benchmark this backdoored model as it is, instead of training the matrix's: an .onnx file (with --dataset, --attack and its options, --target; --mean/--std as its graph needs) or a checkpoint (its sidecar gives data set and attack).")]
    public string? Model { get; set; }

    [CommandOption("--dataset <NAME>")]
    [Description("With --model: the data set of the defenders' clean reference and of the figures, a name or a path (an image folder); required for an .onnx model.")]
    public string? Dataset { get; set; }

    [CommandOption("--attack <NAME>")]
    [Description("With an .onnx --model: the attack whose trigger makes the flagged and the triggered test images, with its own options, each also written --trigger-<name> (e.g. --blend-image p.png --trigger-alpha 0.2).")]
    public string? Attack { get; set; }

    [CommandOption("--target <CLASS>")]
    [Description("With an .onnx --model: the backdoor's target class (default: 0).")]
    public int? Target { get; set; }

    /// <summary>The attack's own options (with --model), in command-line order.</summary>
    public IReadOnlyList<(string Option, string? Text)> AttackArguments { get; private set; } = [];

    public IReadOnlyList<string> Claim(ILookup<string, string?> remaining)
    {
        AttackArguments = Commands.AttackCommands.CommandLineAttacks.Claim(remaining, out var unknown);
        // Claimed after Validate ran: refuse here what only a given model takes, before a long run starts on defaults.
        if (Model is null && AttackArguments.Count > 0)
            throw new ArgumentException($"{AttackArguments[0].Option} describes the model given with --model; without --model, the matrix's attacks take their defaults.");
        return unknown;
    }

    [CommandOption("--defenses <LIST>")]
    [Description("Defenses: none, shrinkpad, jpeg, blur, strip, scale-up, ibd-psc, februus, clip, fire (= fire-unpaired), fire-paired, fire-paper, fire-paper-noaug, fire-aug; FIRE variants take @k (default: all).")]
    public string Defenses { get; set; } = "none,fire-unpaired,fire-paired,shrinkpad,jpeg,blur,strip,februus,clip";

    [CommandOption("--seeds <LIST>")]
    [Description("Seeds: each one trains its own models and draws its own samples (default: 0).")]
    public string Seeds { get; set; } = "0";

    [CommandOption("--epochs <N>")]
    [Description("Training epochs of each backdoored model (default: 10; BackdoorBench trains 100 / 50).")]
    public int? Epochs { get; set; }

    [CommandOption("--lr <RATE>")]
    [Description("Initial SGD learning rate, cosine-annealed (default: 0.01, BackdoorBench's).")]
    public double? LearningRate { get; set; }

    [CommandOption("--subset <N>")]
    [Description("Train on a seeded subset of N training images (default: all).")]
    public int? Subset { get; set; }

    [CommandOption("--test-subset <N>")]
    [Description("Evaluate on a seeded subset of N test images (default: all).")]
    public int? TestSubset { get; set; }

    [CommandOption("--clean <N>")]
    [Description("Clean reference images from the training split (default: 500).")]
    public int Clean { get; set; } = 500;

    [CommandOption("--observed <K>")]
    [Description("Observed poisoned samples: triggered training images of non-target classes (default: 100).")]
    public int Observed { get; set; } = 100;

    [CommandOption("--streaming <LIST>")]
    [Description("FIRE's streaming points k, or 'none' (default: 1,2,5,10,20,50,100,200).")]
    public string Streaming { get; set; } = "1,2,5,10,20,50,100,200";

    [CommandOption("--latency-runs <N>")]
    [Description("Least number of timed calls per batch size and defense, after 3 warm-up calls (default: 20).")]
    public int LatencyRuns { get; set; } = 20;

    [CommandOption("--latency-seconds <S>")]
    [Description("Least time of timed calls per batch size and defense: fast calls are timed more often than --latency-runs (default: 1).")]
    public double LatencySeconds { get; set; } = 1;

    [CommandOption("--out <PATH>")]
    [Description("Markdown report; plots go to a folder of the same name (default: docs/results.md -> docs/results/*.png).")]
    public string Out { get; set; } = "docs/results.md";

    [CommandOption("--title <TEXT>")]
    [Description("The report's title (default: \"Runtime backdoor mitigations: FIRE against the baselines\").")]
    public string Title { get; set; } = DefaultTitle;

    public const string DefaultTitle = "Runtime backdoor mitigations: FIRE against the baselines";

    [CommandOption("--results <PATH>")]
    [Description("Results file, rewritten after every cell and read to resume (default: runs/bench/results.json).")]
    public string Results { get; set; } = "runs/bench/results.json";

    [CommandOption("--model-cache <PATH>")]
    [Description("Model cache, shared with `fire attack report` and `fire defend-report` (default: runs/models).")]
    public string ModelCache { get; set; } = Fire.Evaluation.Benchmark.ModelCache.DefaultFolder;

    public override ValidationResult Validate()
    {
        if (Model is null)
        {
            string? given = Dataset is not null ? "--dataset" : Attack is not null ? "--attack" : Target is not null ? "--target" : Mean is not null ? "--mean" : Std is not null ? "--std" : Classes is not null ? "--classes" : null;
            if (given is not null) return ValidationResult.Error($"{given} describes the model given with --model; without --model, use --datasets, --models and --attacks.");
        }
        else
        {
            string? trained = Datasets is not null ? "--datasets" : Models is not null ? "--models" : Attacks is not null ? "--attacks" : Epochs is not null ? "--epochs"
                : LearningRate is not null ? "--lr" : Subset is not null ? "--subset" : null;
            if (trained is not null) return ValidationResult.Error($"{trained} describes the models the benchmark trains; with --model it runs on that model as it is: leave {trained} out.");
        }
        return Epochs < 1 ? ValidationResult.Error($"--epochs must be at least 1, got {Epochs}.")
            : LatencyRuns < 1 ? ValidationResult.Error($"--latency-runs must be at least 1, got {LatencyRuns}.")
            : !(LatencySeconds >= 0) || double.IsInfinity(LatencySeconds) ? ValidationResult.Error($"--latency-seconds must be 0 or more, got {LatencySeconds}.")
            : base.Validate();
    }

    /// <summary>The matrix these options describe, every name canonical so that cells keep their identity between runs.</summary>
    public BenchmarkMatrix Matrix()
    {
        var matrix = new BenchmarkMatrix(
            List(Datasets ?? "cifar10,gtsrb", "--datasets").Select(d => Fire.Data.Datasets.Reference(d, Data)).ToList(),
            List(Models ?? ModelZoo.Default, "--models").Select(CanonicalArchitecture).ToList(),
            List(Attacks ?? "badnets,blended", "--attacks").Select(AttackCatalog.Canonical).ToList(),
            List(Defenses, "--defenses").Select(d => BenchmarkDefense.Parse(d).Name).ToList(),
            Numbers(Seeds, "--seeds"),
            Recipe() with { Epochs = Epochs ?? 10, LearningRate = LearningRate ?? 0.01, TrainSubset = Subset });
        matrix.Validate();
        return matrix;
    }

    /// <summary>
    /// The one-model matrix of --model: its data set, the model named by its file, its attack. The model is part of the
    /// recipe (<see cref="GivenModel"/>), so its cells are measured again when the file, trigger or preprocessing change.
    /// </summary>
    public BenchmarkMatrix GivenMatrix(Fire.Evaluation.Models.OpenedModel model, BackdoorAttack attack, string dataset)
    {
        string file = Path.GetFullPath(model.Path);
        string label = $"{Path.GetFileName(Path.GetDirectoryName(file))}/{Path.GetFileName(file)}";
        var input = model.GuardInput?.Normalization is { } n ? $"mean {string.Join(',', n.Mean)}, std {string.Join(',', n.Std)}" : null;
        var given = new GivenModel(model.Path, ContentHash.OfFile(file), attack.Name, attack.Spec.ParameterSummary(), attack.Target, input);
        var matrix = new BenchmarkMatrix([Fire.Data.Datasets.Reference(dataset, Data)], [label], [attack.Name],
            List(Defenses, "--defenses").Select(d => BenchmarkDefense.Parse(d).Name).ToList(), Numbers(Seeds, "--seeds"), Recipe() with { Model = given });
        matrix.Validate();
        return matrix;
    }

    private BenchmarkRecipe Recipe() => new()
    {
        TestSubset = TestSubset,
        CleanReference = Clean,
        Observed = Observed,
        StreamingPoints = Streaming.Trim().Equals("none", StringComparison.OrdinalIgnoreCase) ? [] : Numbers(Streaming, "--streaming").Order().ToList(),
        LatencyTimedRuns = LatencyRuns,
        LatencyMinSeconds = LatencySeconds,
    };

    /// <summary>The command line that reproduces <paramref name="matrix"/> into the same files (what the report prints).</summary>
    public string CommandLine(BenchmarkMatrix matrix)
    {
        var r = matrix.Recipe;
        var parts = new List<string> { "fire bench" };
        if (r.Model is { } given)
        {
            parts.Add($"--model {given.File} --dataset {matrix.Datasets[0]}");
            if (Mean is not null) parts.Add($"--mean {Mean} --std {Std}");
            if (Classes is not null) parts.Add($"--classes {Classes}");
            if (Attack is not null) parts.AddRange([$"--attack {Attack}", .. Commands.AttackCommands.CommandLineAttacks.Format(AttackArguments), $"--target {given.Target}"]);
            parts.AddRange([$"--defenses {string.Join(',', matrix.Defenses)}", $"--seeds {string.Join(',', matrix.Seeds)}"]);
        }
        else
            parts.AddRange([$"--datasets {string.Join(',', matrix.Datasets)}", $"--models {string.Join(',', matrix.Architectures)}",
                $"--attacks {string.Join(',', matrix.Attacks)}", $"--defenses {string.Join(',', matrix.Defenses)}",
                $"--seeds {string.Join(',', matrix.Seeds)}", $"--epochs {r.Epochs}", $"--lr {r.LearningRate.ToString(CultureInfo.InvariantCulture)}"]);
        if (r.TrainSubset is int subset) parts.Add($"--subset {subset}");
        if (r.TestSubset is int testSubset) parts.Add($"--test-subset {testSubset}");
        parts.Add($"--clean {r.CleanReference}");
        parts.Add($"--observed {r.Observed}");
        parts.Add($"--streaming {(r.StreamingPoints.Count == 0 ? "none" : string.Join(',', r.StreamingPoints))}");
        parts.Add($"--latency-runs {r.LatencyTimedRuns}");
        parts.Add($"--latency-seconds {r.LatencyMinSeconds.ToString(CultureInfo.InvariantCulture)}");
        if (Threads is int threads) parts.Add($"--threads {threads}");
        if (Title != DefaultTitle) parts.Add($"--title \"{Title}\"");
        parts.Add($"--out {Out}");
        parts.Add($"--results {Results}");
        return string.Join(' ', parts);
    }

    private static List<string> List(string value, string option)
    {
        var items = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        return items.Count > 0 ? items : throw new ArgumentException($"{option} names nothing.");
    }

    private static List<int> Numbers(string value, string option) => List(value, option).Select(item =>
        int.TryParse(item, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n)
            ? n
            : throw new ArgumentException($"{option}: '{item}' is not a whole number.")).ToList();

    private static string CanonicalArchitecture(string name) =>
        ModelZoo.Architectures.FirstOrDefault(a => a.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown architecture '{name}'. Known: {string.Join(", ", ModelZoo.Architectures)}.");
}
