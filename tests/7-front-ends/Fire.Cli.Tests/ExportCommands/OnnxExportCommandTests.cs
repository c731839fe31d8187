namespace Fire.Cli.Tests.ExportCommands;

/// <summary>
/// `fire export onnx` and `fire guard export` on the small BadNets MNIST model of <see cref="BackdooredMnist"/>: the files
/// are written and checked against TorchSharp and the guard, and outputs that would overwrite an input are refused.
/// </summary>
[Collection(BackdooredMnist.Collection)]
[Trait(TestCategories.Name, TestCategories.Slow)]
public class OnnxExportCommandTests(BackdooredMnist backdoor)
{
    private string Folder(string name) => Path.Combine(backdoor.Folder, name);

    private (int Code, string Output) Run(params string[] args) => CliRunner.Run([.. args, "--data", CliRunner.DataRoot]);

    [Fact]
    public void Export_onnx_writes_a_graph_that_agrees_with_torchsharp()
    {
        string onnx = Folder("export-onnx/model.onnx");
        var (code, output) = CliRunner.Run("export", "onnx", backdoor.Checkpoint, "--out", onnx, "--threads", "1");
        Assert.True(code == 0, output);
        Assert.True(new FileInfo(onnx).Length > 100_000, output);
        Assert.Contains("conv1, conv2, conv3, conv4, fc1, fc2", output);
        Assert.Contains("ONNX Runtime's logits differ from TorchSharp's by at most", output);
    }

    [Fact]
    public void Export_onnx_refuses_to_overwrite_the_checkpoint()
    {
        var (code, output) = CliRunner.Run("export", "onnx", backdoor.Checkpoint, "--out", backdoor.Checkpoint);
        Assert.Equal(1, code);
        Assert.Contains("is an input of this command", output);
    }

    [Fact]
    public void Guard_export_writes_a_hardened_model_that_predicts_like_the_guard()
    {
        Assert.Equal(0, Run("data", "export", "mnist", "--split", "train", "--count", "40", "--exclude", "0", "--seed", "3", "--out", Folder("gx-clean")).Code);
        Assert.Equal(0, Run("attack", "apply", Folder("gx-clean"), "--from", backdoor.Checkpoint, "--out", Folder("gx-flagged")).Code);
        string guard = Folder("gx-guard.json");
        var fit = Run("guard", "fit", "--model", backdoor.Checkpoint, "--flagged", Folder("gx-flagged"), "--clean", "100", "--threads", "1", "--out", guard);
        Assert.True(fit.Code == 0, fit.Output);

        string hardened = Folder("gx-hardened.onnx");
        var (code, output) = CliRunner.Run("guard", "export", "--model", backdoor.Checkpoint, "--guard", guard, "--out", hardened, "--threads", "1");
        Assert.True(code == 0, output);
        Assert.True(File.Exists(hardened));
        Assert.Contains("Input 'input', output 'logits' as in the model", output);
        Assert.Contains("labels equal the guard's (64 of 64)", output);

        var overwrite = CliRunner.Run("guard", "export", "--model", backdoor.Checkpoint, "--guard", guard, "--out", guard);
        Assert.Equal(1, overwrite.Code);
        Assert.Contains("is an input of this command", overwrite.Output);
        // The guard fits the model's ONNX export too (layers keep their names, the fingerprint its logits): hardened alike.
        Assert.Equal(0, CliRunner.Run("export", "onnx", backdoor.Checkpoint, "--out", Folder("gx-model.onnx")).Code);
        var fromOnnx = CliRunner.Run("guard", "export", "--model", Folder("gx-model.onnx"), "--guard", guard, "--out", Folder("gx-2.onnx"), "--threads", "1");
        Assert.True(fromOnnx.Code == 0, fromOnnx.Output);
        Assert.Contains("labels equal the guard's (64 of 64)", fromOnnx.Output);
    }
}
