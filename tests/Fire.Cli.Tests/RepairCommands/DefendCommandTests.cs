using System.Text.Json.Nodes;

namespace Fire.Cli.Tests.RepairCommands;

/// <summary>`fire defend` on a small BadNets MNIST model trained once for the class.</summary>
public sealed class BackdooredMnist : IDisposable
{
    public BackdooredMnist()
    {
        Folder = Directory.CreateTempSubdirectory("fire-defend-tests-").FullName;
        Checkpoint = Path.Combine(Folder, "mnist-badnets.pt");
        var (code, output) = CliRunner.Run("attack", "--dataset", "mnist", "--attack", "badnets", "--epochs", "1", "--subset", "2000",
            "--data", CliRunner.DataRoot, "--out", Checkpoint);
        if (code != 0) throw new InvalidOperationException(output);
    }

    public string Folder { get; }
    public string Checkpoint { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

public class DefendCommandTests(BackdooredMnist backdoor) : IClassFixture<BackdooredMnist>
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
        Assert.True(File.Exists(Path.Combine(folder, "fire-guard.json")));
    }

    [Theory]
    [InlineData("--mode", "rotate", "Unknown repair mode 'rotate'")]
    [InlineData("--layers", "conv9", "Unknown layer 'conv9'")]
    [InlineData("--observed", "0", "--observed must be at least 1")]
    [InlineData("--max-layers", "0", "--max-layers must be at least 1")]
    [InlineData("--directions", "bogus", "Unknown direction density 'bogus'")]
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
