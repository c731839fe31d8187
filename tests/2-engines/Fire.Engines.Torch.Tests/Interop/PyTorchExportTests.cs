using Fire.Engines.Torch.Interop;
using static TorchSharp.torch;

namespace Fire.Engines.Torch.Tests.Interop;

/// <summary>Weights written for PyTorch and read back are bit for bit the same, in both formats and every architecture.</summary>
public sealed class PyTorchExportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fire-export-").FullName;

    public static TheoryData<string, PyTorchExportFormat> Cases()
    {
        var cases = new TheoryData<string, PyTorchExportFormat>();
        foreach (var architecture in ModelZoo.Architectures)
            foreach (var format in Enum.GetValues<PyTorchExportFormat>())
                cases.Add(architecture, format);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ExportThenImportIsBitIdentical(string architecture, PyTorchExportFormat format)
    {
        using var net = TestData.Create(architecture, 3, 32);
        Randomise(net);
        string path = Path.Combine(_folder, format == PyTorchExportFormat.Safetensors ? "x.safetensors" : "x.pt");
        PyTorchFileWriter.Write(net, path, format);

        using var weights = PyTorchFileReader.Read(path);
        Assert.Equal(format == PyTorchExportFormat.Safetensors ? PyTorchFileKind.Safetensors : PyTorchFileKind.StateDict, weights.Kind);
        using var copy = TestData.Create(architecture, 3, 32);
        PublishedStateDict.Load(copy, weights);
        var original = net.state_dict();
        foreach (var (name, tensor) in copy.state_dict())
        {
            Assert.Equal(original[name].dtype, tensor.dtype);
            Assert.True(original[name].equal(tensor).all().item<bool>(), $"{name} differs after export and import");
        }
        Assert.Equal([path], Directory.GetFiles(_folder)); // no temporary file left
    }

    [Theory]
    [InlineData("a.safetensors", PyTorchExportFormat.Safetensors)]
    [InlineData("a.SafeTensors", PyTorchExportFormat.Safetensors)]
    [InlineData("a.pt", PyTorchExportFormat.Pt)]
    [InlineData("a.pth", PyTorchExportFormat.Pt)]
    public void TheFormatFollowsTheName(string path, PyTorchExportFormat format) => Assert.Equal(format, PyTorchFileWriter.FormatFor(path));

    /// <summary>
    /// Batch-norm statistics and affine parameters and biases seeded at random (around their usual values, so logits stay
    /// of ordinary size), beside the zoo's random initial weights, so that a mix-up of two entries shows.
    /// </summary>
    internal static void Randomise(LayeredNet net, int seed = 5)
    {
        using var noGrad = no_grad();
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        foreach (var (name, tensor) in net.state_dict())
        {
            if (name is LayeredNet.MeanBuffer or LayeredNet.StdBuffer || tensor.dim() > 1) continue;
            if (!tensor.is_floating_point()) tensor.fill_(seed + tensor.numel());
            else if (name.EndsWith("running_var")) tensor.copy_(rand(tensor.shape, generator: generator) + 0.5);
            else if (name.EndsWith(".weight")) tensor.copy_(randn(tensor.shape, generator: generator) * 0.1 + 1);
            else tensor.copy_(randn(tensor.shape, generator: generator) * 0.1);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
