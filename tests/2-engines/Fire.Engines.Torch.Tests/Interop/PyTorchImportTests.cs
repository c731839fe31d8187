using Fire.Engines.Torch.Interop;
using static TorchSharp.torch;

namespace Fire.Engines.Torch.Tests.Interop;

/// <summary>Models PyTorch saved, read under their published names: the same logits as PyTorch's within 1e-4.</summary>
public class PyTorchImportTests
{
    public static TheoryData<string, string, string> Files() => new()
    {
        { "preactresnet18-random", "preact-resnet18", "state_dict.pt" },
        { "preactresnet18-random", "preact-resnet18", "model.safetensors" },
        { "preactresnet18-random", "preact-resnet18", "attack_result.pt" },
        { "resnet20-gtsrb-blended", "resnet20", "state_dict.pt" },
        { "resnet20-gtsrb-blended", "resnet20", "model.safetensors" },
        { "resnet20-gtsrb-blended", "resnet20", "attack_result.pt" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void LogitsMatchPyTorchs(string model, string architecture, string file)
    {
        var io = SharedModels.ReadIo(model);
        using var weights = PyTorchFileReader.Read(SharedModels.File(model, file));
        using var net = ModelZoo.Create(architecture, io.Shape[1], io.Shape[2], io.Shape[3], io.Logits[0].Length, io.Normalization);
        PublishedStateDict.Load(net, weights);
        net.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = net.call(io.InputTensor());
        Assert.InRange(SharedModels.MaxLogitDifference(logits, io.Logits), 0, 1e-4);
    }

    [Theory]
    [InlineData("state_dict.pt", PyTorchFileKind.StateDict)]
    [InlineData("model.safetensors", PyTorchFileKind.Safetensors)]
    [InlineData("attack_result.pt", PyTorchFileKind.BackdoorBenchRecord)]
    public void TheKindComesFromTheContent(string file, PyTorchFileKind kind)
    {
        using var weights = PyTorchFileReader.Read(SharedModels.File("preactresnet18-random", file));
        Assert.Equal(kind, weights.Kind);
        // conv1, 8 blocks of bn1 / conv1 / bn2 / conv2 (5 + 1 + 5 + 1 entries), 3 shortcut convs, linear weight and bias
        Assert.Equal(1 + 8 * 12 + 3 + 2, weights.Tensors.Count);
        Assert.Equal(new long[] { 10, 512 }, weights.Tensors["linear.weight"].shape);
        Assert.Equal(ScalarType.Int64, weights.Tensors["layer1.0.bn1.num_batches_tracked"].dtype);
    }

    [Fact]
    public void ARecordKeepsItsOtherEntries()
    {
        using var weights = PyTorchFileReader.Read(SharedModels.File("preactresnet18-random", "attack_result.pt"));
        Assert.Equal("preactresnet18", weights.RecordString("model_name"));
        Assert.Equal(10, weights.RecordInteger("num_classes"));
        Assert.Equal("[32,32,3]", weights.Record["img_size"]!.ToJsonString());
        Assert.Null(weights.RecordString("clean_data"));
        Assert.True(weights.Record.ContainsKey("bd_test"));
        Assert.False(weights.Record.ContainsKey("model"));
    }
}
