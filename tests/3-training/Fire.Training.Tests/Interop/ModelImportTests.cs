using System.Text.Json;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Engines.Torch.Interop;
using Fire.Training.Interop;
using static TorchSharp.torch;

namespace Fire.Training.Tests.Interop;

/// <summary>
/// PyTorch files become Fire checkpoints that load like any other and give PyTorch's logits; a file that does not fit
/// writes nothing; a checkpoint exported and imported again has the very same weights.
/// </summary>
public sealed class ModelImportTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static string SharedModel(string model, string file) =>
        Path.GetFullPath(Path.Combine(TestData.Root, "..", "models", model, file));

    private sealed record Io(float[] Mean, float[] Std, int[] Shape, float[] Inputs, float[][] Logits);

    private static Io ReadIo(string model) => JsonSerializer.Deserialize<Io>(
        File.ReadAllText(SharedModel(model, "io.json")), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    private static ImportRequest Request(string architecture, int classes, Io io) => new()
    {
        Architecture = architecture,
        Dataset = "cifar10",
        InputShape = [3, 32, 32],
        ClassNames = Enumerable.Range(0, classes).Select(c => $"class {c}").ToArray(),
        Normalization = new Normalization(io.Mean, io.Std),
    };

    [Fact]
    public void ARecordBecomesACheckpointWithPyTorchsLogits()
    {
        var io = ReadIo("preactresnet18-random");
        using var weights = PyTorchFileReader.Read(SharedModel("preactresnet18-random", "attack_result.pt"));
        string output = _temp.File("bb.pt");
        ModelImport.Import(weights, Request("preact-resnet18", 10, io), output);

        var (net, info) = Checkpoint.Load(output);
        using (net)
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            net.eval();
            var logits = net.call(tensor(io.Inputs, io.Shape.Select(d => (long)d).ToArray())).data<float>().ToArray();
            double difference = io.Logits.SelectMany((row, i) => row.Select((v, c) => Math.Abs(v - (double)logits[i * 10 + c]))).Max();
            Assert.InRange(difference, 0, 1e-4);
        }
        Assert.Equal(io.Mean, info.Normalization.Mean);
        Assert.Equal(io.Std, info.Normalization.Std);
        var provenance = info.Extra![ModelImport.ExtraKey]!;
        Assert.Equal("BackdoorBench record", provenance["kind"]!.GetValue<string>());
        Assert.Equal(weights.Path, provenance["file"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{64}$", provenance["sha256"]!.GetValue<string>());
        Assert.Equal("preactresnet18", provenance["record"]!["model_name"]!.GetValue<string>());
        Assert.StartsWith("BackdoorBench's PreActResNet18 names", provenance["names"]!.GetValue<string>());
    }

    [Fact]
    public void ARecordOfAnotherClassCountWritesNothing()
    {
        var io = ReadIo("preactresnet18-random");
        using var weights = PyTorchFileReader.Read(SharedModel("preactresnet18-random", "attack_result.pt"));
        var e = Assert.Throws<InvalidDataException>(() => ModelImport.Import(weights, Request("preact-resnet18", 43, io), _temp.File("x.pt")));
        Assert.Contains("says num_classes = 10, but the model is asked for 43 classes", e.Message);
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void WeightsThatDoNotFitWriteNothing()
    {
        var io = ReadIo("resnet20-gtsrb-blended");
        using var weights = PyTorchFileReader.Read(SharedModel("resnet20-gtsrb-blended", "state_dict.pt"));
        var e = Assert.Throws<InvalidDataException>(() => ModelImport.Import(weights, Request("resnet20", 10, io), _temp.File("x.pt")));
        Assert.Contains("size mismatch for linear.weight: [43, 64] in the file, [10, 64] in the model", e.Message);
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void TheOutputMayNotBeTheInput()
    {
        string copy = _temp.File("state_dict.pt");
        File.Copy(SharedModel("resnet20-gtsrb-blended", "state_dict.pt"), copy);
        var io = ReadIo("resnet20-gtsrb-blended");
        using var weights = PyTorchFileReader.Read(copy);
        var e = Assert.Throws<ArgumentException>(() => ModelImport.Import(weights, Request("resnet20", 43, io), copy));
        Assert.Contains("would overwrite the weights being imported", e.Message);
        Assert.Equal([copy], Directory.GetFiles(_temp.Path));
    }

    [Theory]
    [InlineData("preact-resnet18", "x.pt")]
    [InlineData("resnet20", "x.safetensors")]
    public void ExportThenImportGivesTheSameCheckpoint(string architecture, string file)
    {
        var normalization = new Normalization([0.5f, 0.4f, 0.3f], [0.2f, 0.25f, 0.3f]);
        string original = _temp.File("fire.pt");
        using (var net = ModelZoo.Create(architecture, 3, 32, 32, 10, normalization))
        {
            using (no_grad())
                foreach (var (name, t) in net.state_dict())
                    if (name.EndsWith("running_mean")) t.copy_(randn(t.shape) * 0.1);
            var request = Request(architecture, 10, new Io(normalization.Mean, normalization.Std, [], [], []));
            Checkpoint.Save(net, new CheckpointInfo
            {
                Architecture = architecture, Dataset = request.Dataset, InputShape = request.InputShape,
                ClassNames = request.ClassNames, Normalization = normalization,
            }, original);
        }
        string exported = _temp.File(file);
        var info = ModelExport.Export(original, exported, PyTorchFileWriter.FormatFor(exported));
        Assert.Equal(normalization.Std, info.Normalization.Std);

        using var weights = PyTorchFileReader.Read(exported);
        string reimported = _temp.File("again.pt");
        ModelImport.Import(weights, Request(architecture, 10, new Io(normalization.Mean, normalization.Std, [], [], [])), reimported);
        var (a, _) = Checkpoint.Load(original);
        var (b, _) = Checkpoint.Load(reimported);
        using (a)
        using (b)
        {
            var expected = a.state_dict();
            foreach (var (name, t) in b.state_dict())
                Assert.True(expected[name].equal(t).all().item<bool>(), $"{name} differs");
        }
    }

    [Fact]
    public void ExportRefusesToOverwriteTheCheckpoint()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelExport.Export(_temp.File("m.pt"), _temp.File("m.pt.json"), PyTorchExportFormat.Pt));
        Assert.Contains("would overwrite the checkpoint", e.Message);
    }

    public void Dispose() => _temp.Dispose();
}
