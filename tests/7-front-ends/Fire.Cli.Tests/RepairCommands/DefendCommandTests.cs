using System.Text.Json.Nodes;

namespace Fire.Cli.Tests.RepairCommands;

/// <summary>`fire defend` on the small BadNets MNIST model of <see cref="BackdooredMnist"/>.</summary>
[Collection(BackdooredMnist.Collection)]
[Trait(TestCategories.Name, TestCategories.Slow)]
public class DefendCommandTests(BackdooredMnist backdoor)
{
    [Fact]
    public void DefendPrintsTheFiguresAndWritesResultsAndPlots()
    {
        string folder = Path.Combine(backdoor.Folder, "defend");
        var (code, output) = CliRunner.Run("defend", "--model", backdoor.Checkpoint, "--observed", "20", "--clean", "100", "--test-limit", "300",
            "--no-latency", "--no-streaming", "--data", CliRunner.DataRoot, "--out", folder);
        Assert.True(code == 0, output);
        Assert.Contains("undefended", output);
        Assert.Contains("FIRE, k = 20 unpaired", output);
        Assert.Contains("Chosen from the clean reference and the observed samples only", output);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "results.json")))!;
        Assert.Equal(20, results["observed"]!.GetValue<int>());
        Assert.InRange(results["defended"]!["cleanAccuracy"]!.GetValue<double>(), 0, 1);
        Assert.True(File.Exists(Path.Combine(folder, "latents.png")));
        Assert.True(File.Exists(Path.Combine(folder, "fire-guard.fire")));
    }

    [Theory]
    [InlineData("--mode", "rotate", "Unknown repair mode 'rotate'")]
    [InlineData("--layers", "conv9", "Unknown layer 'conv9'")]
    [InlineData("--observed", "0", "--observed must be at least 1")]
    [InlineData("--max-layers", "0", "--max-layers must be at least 1")]
    [InlineData("--directions", "bogus", "Unknown direction density 'bogus'")]
    [InlineData("--max-target-ratio", "-1", "--max-target-ratio must be a number >= 0, got -1")]
    [InlineData("--max-clean-drop", "-0.1", "--max-clean-drop lies in [0, 1], got -0.1")]
    public void BadOptionsAreOneClearLine(string option, string value, string message)
    {
        var (code, output) = CliRunner.Run("defend", "--model", backdoor.Checkpoint, option, value, "--data", CliRunner.DataRoot, "--no-latency", "--no-streaming");
        Assert.Equal(1, code);
        Assert.Contains(message, output);
    }

    [Fact]
    public void DefendNeedsAModel()
    {
        var (code, output) = CliRunner.Run("defend");
        Assert.Equal(1, code);
        Assert.Contains("--model is required", output);
    }
}
