using System.Text.Json.Nodes;

namespace Fire.Cli.Tests.RepairCommands;

/// <summary>
/// `fire defend` on an ONNX model from outside Fire: PyTorch's export of a GTSRB BadNets CNN
/// (../shared/models/gtsrb-badnets-smallcnn), its trigger described by attack options alone.
/// </summary>
public class DefendOnnxTests
{
    private static readonly string SmallCnn = Path.Combine(SharedFolders.Models, "gtsrb-badnets-smallcnn", "model.onnx");

    // The fixture's trigger: a white 3x3 square at rows and columns 29-31, target 0 (its spec.json).
    private static readonly string[] Trigger = ["--attack", "badnets", "--patch-size", "3", "--patch-position", "29,29", "--patch-pattern", "white", "--target", "0"];

    [Fact]
    [Trait(TestCategories.Name, TestCategories.Slow)]
    public void Defend_takes_an_onnx_model_and_its_trigger_from_attack_options()
    {
        using var temp = new TempFolder();
        string folder = Path.Combine(temp.Path, "defend");
        var (code, output) = CliRunner.Run(["defend", "--model", SmallCnn, "--dataset", "gtsrb", .. Trigger, "--observed", "20", "--clean", "100",
            "--test-limit", "300", "--no-latency", "--no-streaming", "--threads", "1", "--data", CliRunner.DataRoot, "--out", folder]);
        Assert.True(code == 0, output);
        Assert.Contains("FIRE on ONNX model backdoored with badnets (target 0)", output);
        Assert.Contains("FIRE, k = 20 unpaired", output);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "results.json")))!;
        Assert.Equal(0, results["target"]!.GetValue<int>());
        Assert.True(results["undefended"]!["attackSuccessRate"]!.GetValue<double>() > 0.8, "the fixture's backdoor fires with the trigger the options describe");
        Assert.True(File.Exists(Path.Combine(folder, "fire-guard.fire")));
    }

    [Fact]
    public void An_onnx_model_needs_its_attack()
    {
        var (code, output) = CliRunner.Run("defend", "--model", SmallCnn, "--dataset", "gtsrb", "--data", CliRunner.DataRoot, "--no-latency", "--no-streaming");
        Assert.Equal(1, code);
        Assert.Contains("is an ONNX model and records no attack: give --attack", output);
    }

    [Fact]
    public void Iad_cannot_be_made_from_options()
    {
        var (code, output) = CliRunner.Run("defend", "--model", SmallCnn, "--dataset", "gtsrb", "--attack", "iad", "--data", CliRunner.DataRoot, "--no-latency", "--no-streaming");
        Assert.Equal(1, code);
        Assert.Contains("IAD's trigger is a network trained with the backdoor", output);
    }

    [Fact]
    public void A_target_outside_the_model_is_refused()
    {
        var (code, output) = CliRunner.Run("defend", "--model", SmallCnn, "--dataset", "gtsrb", "--attack", "badnets", "--target", "43", "--data", CliRunner.DataRoot, "--no-latency", "--no-streaming");
        Assert.Equal(1, code);
        Assert.Contains("--target 43 is not a class of", output);
    }

    [Fact]
    public void Blended_alpha_is_written_with_the_trigger_prefix()
    {
        // --alpha is FIRE's candidate list here; --trigger-alpha reaches Blended, which checks it.
        var (code, output) = CliRunner.Run("defend", "--model", SmallCnn, "--dataset", "gtsrb", "--attack", "blended", "--trigger-alpha", "1.5",
            "--data", CliRunner.DataRoot, "--no-latency", "--no-streaming");
        Assert.Equal(1, code);
        Assert.Contains("--alpha", output);
        Assert.Contains("1.5", output);
    }
}
