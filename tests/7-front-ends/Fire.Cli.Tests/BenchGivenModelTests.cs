namespace Fire.Cli.Tests;

/// <summary>`fire bench --model`: the benchmark on one model from outside Fire, here PyTorch's ONNX export of a GTSRB BadNets CNN.</summary>
public sealed class BenchGivenModelTests
{
    private static readonly string SmallCnn = Path.Combine(SharedFolders.Models, "gtsrb-badnets-smallcnn", "model.onnx");
    private static readonly string[] Trigger = ["--attack", "badnets", "--patch-size", "3", "--patch-position", "29,29", "--patch-pattern", "white", "--target", "0"];

    [Fact]
    [Trait(TestCategories.Name, TestCategories.Slow)]
    public void Bench_runs_on_an_onnx_model_writes_a_command_that_reproduces_it_and_resumes()
    {
        using var temp = new TempFolder();
        string report = Path.Combine(temp.Path, "report.md"), results = Path.Combine(temp.Path, "results.json");
        string[] command = ["bench", "--model", SmallCnn, "--dataset", "gtsrb", .. Trigger, "--defenses", "none,fire", "--test-subset", "200", "--clean", "100",
            "--observed", "20", "--streaming", "none", "--latency-runs", "1", "--latency-seconds", "0", "--threads", "1", "--data", CliRunner.DataRoot,
            "--out", report, "--results", results];
        var (code, output) = CliRunner.Run(command);
        Assert.True(code == 0, output);
        Assert.Contains("2 cell(s) computed (0 failed), 0 reused", output);
        string markdown = File.ReadAllText(report);
        Assert.Contains($"fire bench --model {SmallCnn} --dataset gtsrb --attack badnets --trigger-patch-size 3 --trigger-patch-position 29,29 --trigger-patch-pattern white --target 0 --defenses none,fire-unpaired", markdown);
        Assert.Contains("not trained here; its backdoor: badnets", markdown);
        Assert.DoesNotContain("BackdoorBench's defaults", markdown);

        (code, output) = CliRunner.Run(command);
        Assert.True(code == 0, output);
        Assert.Contains("0 cell(s) computed (0 failed), 2 reused", output);
    }

    [Theory]
    [InlineData("--epochs 3", "--epochs describes the models the benchmark trains")]
    [InlineData("--attacks blended", "--attacks describes the models the benchmark trains")]
    public void Training_options_are_refused_with_a_given_model(string option, string message)
    {
        var (code, output) = CliRunner.Run(["bench", "--model", SmallCnn, "--dataset", "gtsrb", .. option.Split(' ')]);
        Assert.Equal(1, code);
        Assert.Contains(message, output);
    }

    [Theory]
    [InlineData("--dataset gtsrb", "--dataset describes the model given with --model")]
    [InlineData("--trigger-alpha 0.2", "--alpha describes the model given with --model")]
    public void Model_options_are_refused_without_a_model(string option, string message)
    {
        var (code, output) = CliRunner.Run(["bench", .. option.Split(' ')]);
        Assert.Equal(1, code);
        Assert.Contains(message, output);
    }
}
