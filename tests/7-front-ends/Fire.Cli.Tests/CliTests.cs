using System.Text.Json.Nodes;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Training;

namespace Fire.Cli.Tests;

[Trait(TestCategories.Name, TestCategories.Slow)]
public class CliTests : IDisposable
{
    private static readonly string DataRoot = CliRunner.DataRoot;
    private readonly string _folder = Directory.CreateTempSubdirectory("fire-cli-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (int Code, string Output) Fire(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void Data_info_counts_mnist_per_class_and_writes_a_grid()
    {
        string grid = Path.Combine(_folder, "mnist.png");
        var (code, output) = Fire("data", "info", "mnist", "--data", DataRoot, "--out", grid);
        Assert.True(code == 0, output);
        Assert.Contains("60,000", output);
        Assert.Contains("10,000", output);
        Assert.Contains("5,923", output); // training images of digit 0
        Assert.Contains("1x28x28", output);
        Assert.Contains("0.1307", output);
        Assert.Contains(grid, output.Replace("\n", ""));
        var png = File.ReadAllBytes(grid);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("data info")]
    [InlineData("model layers")]
    [InlineData("train")]
    [InlineData("eval")]
    [InlineData("bench-pipeline")]
    [InlineData("bench")]
    [InlineData("attack train")]
    [InlineData("attack preview")]
    [InlineData("attack report")]
    [InlineData("defend")]
    [InlineData("defend-report")]
    [InlineData("demo")]
    [InlineData("serve")] // its --keys description held a bare [{ and printed "Could not find color or style" instead of the options
    [InlineData("serve-bench")]
    [InlineData("guard fit")]
    [InlineData("guard observe")]
    [InlineData("guard predict")]
    [InlineData("guard export")]
    [InlineData("import")]
    [InlineData("export onnx")]
    [InlineData("attack apply")]
    public void Every_help_page_renders(string command)
    {
        // An option description with a bare [ is Spectre markup and broke `fire train --help` midway.
        var (code, output) = Fire([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);
        Assert.True(code == 0, output);
        Assert.DoesNotContain("error", output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("OPTIONS:", output);
    }

    [Fact]
    public void Bench_rejects_a_negative_latency_duration()
    {
        var (code, output) = Fire("bench", "--latency-seconds", "-1");
        Assert.NotEqual(0, code);
        Assert.Contains("--latency-seconds must be 0 or more, got -1", output.Replace("\n", ""));
    }

    [Theory]
    [InlineData("guard predict", "--model", "m.pt", "--guard", "g.json", "images")]
    [InlineData("eval", "m.pt")]
    [InlineData("serve", "--model", "m.pt")]
    public void An_unknown_engine_is_refused_before_anything_runs(string command, params string[] rest)
    {
        var (code, output) = Fire([.. command.Split(' '), .. rest, "--engine", "gpu"]);
        Assert.NotEqual(0, code);
        Assert.Contains("--engine 'gpu': choose onnx (ONNX Runtime, the default) or torch (TorchSharp).", output.Replace("\n", ""));
    }

    [Fact]
    public void Model_layers_lists_small_cnn_with_shapes_and_parameters()
    {
        var (code, output) = Fire("model", "layers", "small-cnn", "--input", "1x28x28", "--classes", "7");
        Assert.True(code == 0, output);
        using var net = ModelZoo.Create("small-cnn", 1, 28, 28, 7, Normalization.Identity(1));
        var parameters = net.LayerParameterCounts();
        var rows = output.Split('\n');
        foreach (var (layer, i) in net.DescribeLayers().Select((l, i) => (l, i)))
            Assert.Contains(rows, row => row.Contains($" {layer.Name} ") && row.Contains(string.Join("x", layer.ActivationShape))
                                         && row.Contains($" {parameters[i].Parameters:N0} "));
        Assert.Contains($"{net.ParameterCount():N0}", output);
    }

    [Fact]
    public void Train_then_eval_a_tiny_run()
    {
        string model = Path.Combine(_folder, "tiny.pt");
        var (code, output) = Fire("train", "--dataset", "mnist", "--model", "small-cnn", "--epochs", "1", "--subset", "512",
            "--batch-size", "32", "--lr", "0.05", "--seed", "1", "--threads", "2", "--data", DataRoot, "--out", model);
        Assert.True(code == 0, output);
        Assert.Contains("epoch 1/1", output);
        Assert.Contains("test accuracy", output);
        Assert.Contains("peak memory", output);
        Assert.Equal(new[] { "tiny.pt", "tiny.pt.json", "tiny.pt.lock" }, Directory.GetFiles(_folder).Select(Path.GetFileName).Order()); // the lock file stays, empty
        var sidecar = JsonNode.Parse(File.ReadAllText(model + ".json"))!;
        Assert.Equal(1, (int)sidecar["epochsDone"]!);
        Assert.Equal(512, (int)sidecar["recipe"]!["maxTrainSamples"]!);
        double accuracy = (double)sidecar["metrics"]!["test_accuracy"]!;
        Assert.InRange(accuracy, 0.2, 1.0); // chance is 0.1

        (code, output) = Fire("eval", model, "--data", DataRoot, "--threads", "2");
        Assert.True(code == 0, output);
        Assert.Contains("clean test accuracy", output);
        Assert.Contains($"{accuracy:P2}", output);

        (code, output) = Fire("model", "layers", model + ".json");
        Assert.True(code == 0, output);
        Assert.Contains("mnist", output);
    }

    [Fact]
    public void Training_on_a_data_set_given_by_path_records_the_path_and_the_data_sets_own_augmentation()
    {
        string model = Path.Combine(_folder, "by-path.pt"), mnist = Path.Combine(DataRoot, "mnist");
        var (code, output) = Fire("train", "--dataset", mnist, "--epochs", "1", "--subset", "64", "--batch-size", "32", "--threads", "2", "--out", model);
        Assert.True(code == 0, output);
        var info = Checkpoint.ReadInfo(model);
        Assert.Equal(Path.GetFullPath(mnist), info.Dataset);
        Assert.Equal(new Augmentation(2, false), info.Recipe!.Augmentation); // MNIST's, not an image folder's flips
    }

    [Fact]
    public void Resuming_a_finished_training_is_refused()
    {
        string model = Path.Combine(_folder, "done.pt");
        var mnist = Datasets.Load("mnist", DataRoot);
        using (var net = ModelZoo.Create("small-cnn", 1, 28, 28, 10, mnist.Normalization))
            Checkpoint.Save(net, CheckpointInfo.For(net, "mnist", mnist.Train, mnist.Normalization, new TrainRecipe(1)) with { EpochsDone = 1 }, model);
        var (code, output) = Fire("train", "--resume", model, "--data", DataRoot);
        Assert.Equal(1, code);
        Assert.Contains("no optimizer state", output);
        (code, output) = Fire("train", "--resume", model, "--epochs", "3");
        Assert.Equal(1, code);
        Assert.Contains("--epochs", output);
    }

    [Fact]
    public void An_unknown_data_set_is_an_error_line()
    {
        var (code, output) = Fire("data", "info", "imagenet-42", "--data", DataRoot);
        Assert.Equal(1, code);
        Assert.Contains("error", output);
        Assert.Contains("imagenet-42", output);
    }

    [Theory]
    [InlineData("--layer", "defend", "--model", "m.pt", "--layer", "conv2")]
    [InlineData("--bacth", "train", "--dataset", "mnist", "--epochs", "1", "--bacth", "64")]
    [InlineData("--poison-rate", "attack", "--dataset", "mnist", "--attack", "badnets", "--epochs", "1", "--poison-rate", "0.2")]
    // A mistyped required option is reported as missing by the command's own check, which runs first.
    public void A_mistyped_option_is_an_error_line_naming_it(string option, params string[] args)
    {
        var (code, output) = Fire(args);
        Assert.Equal(1, code);
        Assert.Contains($"error: Unknown option '{option}'", output);
        Assert.Single(output.Trim().Split('\n'));
    }

    [Fact]
    public void A_missing_checkpoint_is_an_error_line()
    {
        string missing = Path.Combine(_folder, "missing.pt");
        var (code, output) = Fire("eval", missing, "--data", DataRoot);
        Assert.Equal(1, code);
        Assert.Contains("missing.pt", output);
        Assert.Single(output.Trim().Split('\n'));
    }

    [Fact]
    public void Train_without_epochs_says_what_is_missing()
    {
        var (code, output) = Fire("train", "--dataset", "mnist");
        Assert.Equal(1, code);
        Assert.Contains("--epochs", output);
    }
}
