using System.Collections;
using Fire.Engines.Torch.Interop;
using TorchSharp.PyBridge;

namespace Fire.Engines.Torch.Tests.Interop;

/// <summary>Files that do not fit: each error names the file and says what is wrong, in PyTorch's terms where it has them.</summary>
public sealed class PyTorchFileErrorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fire-import-errors-").FullName;

    [Fact]
    public void AnotherArchitectureListsMissingAndUnexpectedKeys()
    {
        using var weights = PyTorchFileReader.Read(SharedModels.File("resnet20-gtsrb-blended", "state_dict.pt"));
        using var net = TestData.Create("preact-resnet18", 3, 32, 43);
        var e = Assert.Throws<InvalidDataException>(() => PublishedStateDict.Load(net, weights));
        Assert.Contains("state_dict.pt' does not fit preact-resnet18", e.Message);
        Assert.Contains("Missing keys (", e.Message);
        Assert.Contains("\"layer2.0.shortcut.0.weight\"", e.Message);
        Assert.Contains("Unexpected keys (", e.Message);
        Assert.Contains("\"bn1.weight\"", e.Message);
        Assert.Contains("Is --arch right?", e.Message);
    }

    [Fact]
    public void AnotherClassCountNamesTheShapes()
    {
        using var weights = PyTorchFileReader.Read(SharedModels.File("preactresnet18-random", "model.safetensors"));
        using var net = TestData.Create("preact-resnet18", 3, 32, 43);
        var before = net.state_dict()["stem.weight"].clone();
        var e = Assert.Throws<InvalidDataException>(() => PublishedStateDict.Load(net, weights));
        Assert.Contains("size mismatch for linear.weight: [10, 512] in the file, [43, 512] in the model", e.Message);
        Assert.Contains("size mismatch for linear.bias: [10] in the file, [43] in the model", e.Message);
        Assert.Contains("Only the classifier differs", e.Message);
        Assert.DoesNotContain("Missing keys", e.Message);
        Assert.True(before.equal(net.state_dict()["stem.weight"]).all().item<bool>(), "nothing is copied when the file does not fit");
    }

    [Theory]
    [InlineData("state_dict.pt", "not a complete PyTorch zip file")]
    [InlineData("attack_result.pt", "not a complete PyTorch zip file")]
    [InlineData("model.safetensors", "is truncated: tensor")]
    public void ATruncatedFileSaysSo(string file, string message)
    {
        var bytes = File.ReadAllBytes(SharedModels.File("preactresnet18-random", file));
        string path = Path.Combine(_folder, file);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => PyTorchFileReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void APickleOfSomethingElseSaysWhatItHolds()
    {
        string path = Path.Combine(_folder, "optimizer.pt");
        using (var stream = File.Create(path))
            PyTorchPickler.PickleStateDict(stream, new Hashtable { ["epoch"] = 3, ["note"] = "best" });
        var e = Assert.Throws<InvalidDataException>(() => PyTorchFileReader.Read(path));
        Assert.Contains("neither a state dict (names to tensors) nor a BackdoorBench record", e.Message);
        Assert.Contains("'epoch' (3)", e.Message);
        Assert.Contains("'note' (\"best\")", e.Message);
    }

    [Fact]
    public void AFileOfNeitherFormatSaysSo()
    {
        string path = Path.Combine(_folder, "notes.pt");
        File.WriteAllText(path, "these are not weights, but a text of more than eight bytes");
        var e = Assert.Throws<InvalidDataException>(() => PyTorchFileReader.Read(path));
        Assert.Contains("is neither a PyTorch zip file (torch.save since PyTorch 1.6) nor a safetensors file", e.Message);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        string path = Path.Combine(_folder, "absent.pt");
        var e = Assert.Throws<FileNotFoundException>(() => PyTorchFileReader.Read(path));
        Assert.Contains(path, e.Message);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
