using System.Text.Json.Nodes;
using Fire.Attacks;
using Fire.Training;

namespace Fire.Cli.Tests;

/// <summary>`fire attack`, `fire attack preview`, `fire attack report` and `fire eval` on a backdoored checkpoint, on small MNIST runs.</summary>
[Trait(TestCategories.Name, TestCategories.Slow)]
public sealed class AttackCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fire-attack-cli-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (int Code, string Output) Fire(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void Attack_trains_saves_the_specification_and_eval_reports_ca_asr_pa()
    {
        string checkpoint = Path.Combine(_folder, "sig.pt");
        var (code, output) = Fire("attack", "--dataset", "mnist", "--attack", "sig", "--delta", "60", "--epochs", "1", "--subset", "400",
            "--batch-size", "32", "--threads", "2", "--out", checkpoint);
        Assert.True(code == 0, output);
        Assert.Contains("Attack sig (delta 60, frequency 6) on mnist", output.Replace("\n", " "));
        Assert.Contains("ASR (attack success rate)", output);
        Assert.Contains("40 of 400 training images (10.00 %)", output);

        var info = Checkpoint.ReadInfo(checkpoint);
        Assert.Equal("sig", info.Attack!["attack"]!.GetValue<string>());
        Assert.True(info.Attack["cleanLabel"]!.GetValue<bool>());
        Assert.Equal(60, info.Attack["parameters"]!["delta"]!.GetValue<double>());
        var metrics = AttackMetrics.From(info.Metrics)!;

        (code, output) = Fire("eval", checkpoint, "--threads", "2");
        Assert.True(code == 0, output);
        Assert.Contains("sig, all-to-one to class 0", output);
        Assert.Contains($"{metrics.AttackSuccessRate:P2}", output);
        Assert.Contains($"{metrics.PoisonedAccuracy:P2}", output);
        Assert.Contains($"{metrics.CleanToTarget!.Value:P2}", output);
    }

    [Fact]
    public void Preview_writes_one_grid_per_attack_and_skips_iad_without_a_checkpoint()
    {
        var (code, output) = Fire("attack", "preview", "--dataset", "mnist", "--attacks", "badnets,iad,wanet", "--count", "5", "--scale", "1", "--out", _folder);
        Assert.True(code == 0, output);
        Assert.Contains("iad: skipped", output);
        foreach (string attack in new[] { "badnets", "wanet" })
        {
            var png = StbImageSharp.ImageResult.FromMemory(File.ReadAllBytes(Path.Combine(_folder, $"mnist-{attack}.png")));
            Assert.Equal((3 * 29 + 1, 5 * 29 + 1), (png.Width, png.Height)); // 3 columns, 5 rows of 28x28 framed by 1-pixel lines
        }
        Assert.False(File.Exists(Path.Combine(_folder, "mnist-iad.png")));
    }

    [Fact]
    public void Probe_reports_the_plain_figures_as_training_did_and_each_transform_for_both_models()
    {
        string checkpoint = Path.Combine(_folder, "badnets.pt");
        var (code, output) = Fire("attack", "--dataset", "mnist", "--attack", "badnets", "--epochs", "1", "--subset", "400",
            "--batch-size", "32", "--threads", "2", "--out", checkpoint);
        Assert.True(code == 0, output);
        var metrics = AttackMetrics.From(Checkpoint.ReadInfo(checkpoint).Metrics)!;

        (code, output) = Fire("attack", "probe", checkpoint, "--transforms", "none", "--threads", "2");
        Assert.True(code == 0, output);
        var plain = output.Split('\n').Single(line => line.Contains("│ none "));
        foreach (double figure in new[] { metrics.CleanAccuracy, metrics.CleanToTarget!.Value, metrics.AttackSuccessRate, metrics.PoisonedAccuracy })
            Assert.Contains($"{figure:P2}", plain);

        // The model as its own reference: both column groups must agree, row by row.
        (code, output) = Fire("attack", "probe", checkpoint, "--reference", checkpoint, "--transforms", "shift,jpeg", "--test-limit", "300", "--threads", "2");
        Assert.True(code == 0, output);
        Assert.Contains("on 300 clean and", output.Replace("\n", " "));
        foreach (string name in new[] { "shift", "jpeg" })
        {
            var cells = output.Split('\n').Single(line => line.StartsWith($"│ {name} ")).Split('│', StringSplitOptions.TrimEntries);
            Assert.Equal(cells[2], cells[6]);
            Assert.Equal(cells[3], cells[7]);
        }

        (code, output) = Fire("attack", "probe", checkpoint, "--transforms", "none,sharpen");
        Assert.Equal(1, code);
        Assert.Contains("Unknown transform 'sharpen'", output);
    }

    [Theory]
    [InlineData("Unknown attack 'nope'. Known attacks: badnets, blended, wanet, sig, iad, adaptive-blend.", "--attack", "nope")]
    [InlineData("--alpha must be in [0, 1]", "--attack", "blended", "--alpha", "1.5")]
    [InlineData("The sig attack does not take --patch-size.", "--attack", "sig", "--patch-size", "4")]
    [InlineData("The badnets attack does not take --redraw-each-epoch.", "--attack", "badnets", "--redraw-each-epoch")]
    [InlineData("The badnets attack does not take --redraw-each-epoch.", "--attack", "badnets", "--redraw-each-epoch", "false")]
    [InlineData("does not fit in 28x28 images", "--attack", "badnets", "--patch-position", "27,27")]
    [InlineData("--patch-image: cannot read trigger image 'no-such-file.png'", "--attack", "badnets", "--patch-image", "no-such-file.png")]
    public void Bad_parameters_get_one_clear_error_line(string message, params string[] attackArguments)
    {
        var (code, output) = Fire(["attack", "--dataset", "mnist", "--epochs", "1", .. attackArguments]);
        Assert.Equal(1, code);
        Assert.Contains(message, output.Replace("\n", ""));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(true, "--redraw-each-epoch")]
    [InlineData(true, "--redraw-each-epoch", "true")]
    [InlineData(false, "--redraw-each-epoch", "false")]
    public void WaNet_redraws_its_samples_each_epoch_unless_told_false(bool redrawn, params string[] option)
    {
        string checkpoint = Path.Combine(_folder, "wanet.pt");
        var (code, output) = Fire(["attack", "--dataset", "mnist", "--attack", "wanet", "--epochs", "1", "--subset", "200",
            "--batch-size", "50", "--threads", "2", "--out", checkpoint, .. option]);
        Assert.True(code == 0, output);
        var attack = JsonNode.Parse(File.ReadAllText(checkpoint + ".json"))!["attack"]!;
        Assert.Equal(redrawn, attack["redrawEachEpoch"]?.GetValue<bool>() ?? false);
    }

    [Fact]
    public void Report_writes_the_table_and_reuses_its_trained_models()
    {
        string runs = Path.Combine(_folder, "runs"), report = Path.Combine(_folder, "attacks.md");
        string[] arguments = ["attack", "report", "--datasets", "mnist", "--attacks", "badnets", "--epochs", "1", "--subset", "300",
            "--runs", runs, "--out", report, "--threads", "2"];
        var (code, output) = Fire(arguments);
        Assert.True(code == 0, output);
        string markdown = File.ReadAllText(report);
        Assert.Contains($"fire attack report --datasets mnist --models small-cnn --attacks badnets --epochs 1 --subset 300 --seed 0 --out {report}", markdown);
        Assert.Contains("| clean |", markdown);
        Assert.Contains("| badnets |", markdown);
        // One content-addressed entry per model in the shared cache: the clean model and the backdoored one, each with its sidecar.
        Assert.Single(Directory.GetFiles(runs, "mnist-small-cnn-clean-*.pt"));
        Assert.Single(Directory.GetFiles(runs, "mnist-small-cnn-badnets-*.pt"));
        Assert.Equal(2, Directory.GetFiles(runs, "*.pt.json").Length);

        Assert.Matches(@"\| badnets \| [\d.]+% \| [-+\d.]+ \| [\d.]+% / [\d.]+% \|", markdown); // CA, CA vs clean, clean to target

        // A model cached before the clean-to-target figure existed is measured again, to the same table, and left as it was.
        string sidecar = Directory.GetFiles(runs, "mnist-small-cnn-badnets-*.pt.json").Single();
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(sidecar))!;
        Assert.True(json["metrics"]!.AsObject().Remove(AttackMetrics.CleanToTargetKey));
        File.WriteAllText(sidecar, json.ToJsonString());
        string older = File.ReadAllText(sidecar);
        (code, output) = Fire(arguments);
        Assert.True(code == 0, output);
        Assert.Contains("clean: reusing", output);
        Assert.Contains("badnets: reusing", output);
        Assert.Equal(Table(markdown), Table(File.ReadAllText(report)));
        Assert.Equal(older, File.ReadAllText(sidecar));
    }

    [Fact]
    public void Models_trained_on_an_image_folder_find_their_data_again()
    {
        string data = WriteImageFolder(Path.Combine(_folder, "tones"));
        string checkpoint = Path.Combine(_folder, "models", "tones-badnets.pt");
        var (code, output) = Fire("attack", "--dataset", data, "--attack", "badnets", "--epochs", "1", "--batch-size", "16",
            "--threads", "2", "--out", checkpoint);
        Assert.True(code == 0, output);
        Assert.Contains("on tones with small-cnn", output.Replace("\n", " "));
        Assert.Equal(data, Checkpoint.ReadInfo(checkpoint).Dataset); // the folder's path: its name alone would not be found again
        (code, output) = Fire("eval", checkpoint, "--threads", "2");
        Assert.True(code == 0, output);
        Assert.Contains("badnets, all-to-one to class 0", output);

        // The benchmark loads each data set again by the same reference and names its cached models after the folder.
        string cache = Path.Combine(_folder, "cache");
        (code, output) = Fire("bench", "--datasets", data, "--attacks", "badnets", "--defenses", "none", "--epochs", "1",
            "--clean", "10", "--observed", "5", "--streaming", "none", "--latency-runs", "1", "--latency-seconds", "0",
            "--threads", "2", "--model-cache", cache, "--results", Path.Combine(_folder, "bench.json"), "--out", Path.Combine(_folder, "bench.md"));
        Assert.True(code == 0, output);
        Assert.Equal(data, Checkpoint.ReadInfo(Directory.GetFiles(cache, "tones-small-cnn-badnets-*.pt").Single()).Dataset);

        // Data that moved: the error names the recorded place and the option; --dataset points elsewhere.
        string moved = Path.Combine(_folder, "moved", "tones");
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        Directory.Move(data, moved);
        (code, output) = Fire("eval", checkpoint, "--threads", "2");
        Assert.Equal(1, code);
        Assert.Contains($"records the data set '{data}': give --dataset", output.Replace("\n", " "));
        (code, output) = Fire("eval", checkpoint, "--dataset", moved, "--threads", "2");
        Assert.True(code == 0, output);
        Assert.Contains("badnets, all-to-one to class 0", output);
    }

    /// <summary>Two classes of 16x16 colour images (dark and light, noisy), 40 each, as PPM files in one level of class folders.</summary>
    private static string WriteImageFolder(string root)
    {
        var random = new Random(0);
        foreach (var (name, level) in new[] { ("dark", 60), ("light", 190) })
        {
            Directory.CreateDirectory(Path.Combine(root, name));
            for (int i = 0; i < 40; i++)
            {
                var pixels = Enumerable.Range(0, 16 * 16 * 3).Select(_ => (byte)Math.Clamp(level + random.Next(-40, 41), 0, 255));
                File.WriteAllBytes(Path.Combine(root, name, $"{i:D2}.ppm"), [.. "P6 16 16 255\n"u8, .. pixels]);
            }
        }
        return root;
    }

    private static string[] Table(string markdown) => markdown.Split('\n').Where(line => line.StartsWith("| clean") || line.StartsWith("| badnets")).ToArray();
}
