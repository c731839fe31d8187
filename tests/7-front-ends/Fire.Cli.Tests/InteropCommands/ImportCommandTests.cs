using Fire.Engines.Torch.Interop;
using Fire.Training;

namespace Fire.Cli.Tests.InteropCommands;

/// <summary>`fire import` and `fire export pytorch` end to end, on the models PyTorch made (../shared/models) and a small image folder.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fire-import-cli-").FullName;
    private static readonly string Models = SharedFolders.Models;
    private static string PreAct(string file) => Path.Combine(Models, "preactresnet18-random", file);

    // io.json's normalisation for this model (BackdoorBench's CIFAR-10 figures as make_fixtures.py wrote them)
    private static readonly string[] Normalisation = ["--mean", "0.4914,0.4822,0.4465", "--std", "0.247,0.2435,0.2616"];

    /// <summary>Imports <paramref name="file"/> as preact-resnet18 on the ten-class folder; the checkpoint's path.</summary>
    private string Import(string file, string name)
    {
        string path = Path.Combine(_folder, name);
        var (code, output) = CliRunner.Run(["import", "--arch", "preact-resnet18", "--weights", file, "--dataset", TenClasses(),
            .. Normalisation, "--threads", "2", "--out", path]);
        Assert.True(code == 0, output);
        return path;
    }

    [Fact]
    public void ImportEvaluateExportGivesTheOriginalTensorsBack()
    {
        string checkpoint = Import(PreAct("attack_result.pt"), "bb.pt");
        var info = Checkpoint.ReadInfo(checkpoint);
        Assert.Equal("preact-resnet18", info.Architecture);
        Assert.Equal([0.247f, 0.2435f, 0.2616f], info.Normalization.Std);
        Assert.Equal("BackdoorBench record", info.Extra!["importedFrom"]!["kind"]!.GetValue<string>());

        var (code, output) = CliRunner.Run("eval", checkpoint, "--threads", "2");
        Assert.True(code == 0, output);
        Assert.Contains("clean test accuracy", output);

        string exported = Path.Combine(_folder, "back.safetensors");
        (code, output) = CliRunner.Run("export", "pytorch", checkpoint, "--out", exported);
        Assert.True(code == 0, output);
        Assert.Contains("std = [0.247, 0.2435, 0.2616]", output);
        using var original = PyTorchFileReader.Read(PreAct("state_dict.pt"));
        using var back = PyTorchFileReader.Read(exported);
        Assert.Equal(original.Tensors.Keys.Order(), back.Tensors.Keys.Order());
        foreach (var (name, tensor) in original.Tensors)
            Assert.True(tensor.equal(back.Tensors[name]).all().item<bool>(), $"{name} differs");
    }

    [Theory]
    [InlineData("resnet20", null, "Missing keys (")]
    [InlineData("preact-resnet18", "3", "--classes 3 does not match data set")]
    public void AMismatchWritesNothing(string architecture, string? classes, string message)
    {
        string output = Path.Combine(_folder, "x.pt");
        string[] classOption = classes is null ? [] : ["--classes", classes];
        var (code, text) = CliRunner.Run(["import", "--arch", architecture, "--weights", PreAct("state_dict.pt"), "--dataset", TenClasses(),
            .. Normalisation, .. classOption, "--out", output]);
        Assert.Equal(1, code);
        Assert.Contains(message, text.Replace("\n", ""));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void ATruncatedFileWritesNothing()
    {
        string truncated = Path.Combine(_folder, "half.pt");
        var bytes = File.ReadAllBytes(PreAct("attack_result.pt"));
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 3)]);
        var (code, text) = CliRunner.Run(["import", "--arch", "preact-resnet18", "--weights", truncated, "--dataset", TenClasses(), "--out", Path.Combine(_folder, "x.pt")]);
        Assert.Equal(1, code);
        Assert.Contains("is not a complete PyTorch zip file", text.Replace("\n", ""));
        Assert.Equal([truncated], Directory.GetFiles(_folder));
    }

    [Theory]
    [InlineData("--mean", "0.5,0.5", "has 2 values; the data set's images have 3 channels")]
    [InlineData("--std", "0.2,0,0.2", "'0' is not a positive number")]
    [InlineData("--target", "3", "Attack options were given without --attack")]
    public void BadOptionsAreNamed(string option, string value, string message)
    {
        var (code, text) = CliRunner.Run(["import", "--arch", "preact-resnet18", "--weights", PreAct("model.safetensors"), "--dataset", TenClasses(),
            option, value, "--out", Path.Combine(_folder, "x.pt")]);
        Assert.Equal(1, code);
        Assert.Contains(message, text.Replace("\n", ""));
    }

    [Fact]
    public void ARecordWithoutADataSetNeedsDataset()
    {
        var (code, text) = CliRunner.Run("import", "--arch", "preact-resnet18", "--weights", PreAct("attack_result.pt"), "--out", Path.Combine(_folder, "x.pt"));
        Assert.Equal(1, code);
        Assert.Contains("--dataset is required", text.Replace("\n", ""));
    }

    /// <summary>Ten classes of 32x32 colour images (a tone each, noisy), 5 per class, as PPM files in class folders.</summary>
    private string TenClasses()
    {
        string root = Path.Combine(_folder, "data", "tones10");
        if (Directory.Exists(root)) return root;
        var random = new Random(1);
        for (int c = 0; c < 10; c++)
        {
            string folder = Path.Combine(root, $"c{c}");
            Directory.CreateDirectory(folder);
            for (int i = 0; i < 5; i++)
            {
                var pixels = Enumerable.Range(0, 32 * 32 * 3).Select(_ => (byte)Math.Clamp(20 + 22 * c + random.Next(-15, 16), 0, 255));
                File.WriteAllBytes(Path.Combine(folder, $"{i}.ppm"), [.. "P6 32 32 255\n"u8, .. pixels]);
            }
        }
        return root;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
