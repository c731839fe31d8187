using Fire.Engines.Torch.Export;
using Fire.Engines.Onnx;
using Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fire.Engines.Torch.Tests;

/// <summary><see cref="ZooOnnxExport"/> on every architecture: ONNX Runtime reproduces TorchSharp's logits and layer activations.</summary>
public class OnnxExportTests
{
    private const float Tolerance = 1e-4f;

    [Theory]
    [MemberData(nameof(TestData.ArchitectureCases), MemberType = typeof(TestData))]
    public void Onnx_runtime_logits_match_torchsharp(string architecture, int channels, int size)
    {
        using var model = new TorchLayeredModel(WithRandomBatchNorm(TestData.Create(architecture, channels, size)), ownsNet: true);
        var onnx = ZooOnnxExport.Export(model.Net);
        Assert.True(Fire.Onnx.OnnxModelFile.DefaultOpset(onnx) >= 13);
        using var session = new OnnxClassifier(onnx, architecture);
        Assert.Equal(ZooOnnxExport.InputName, session.InputName);
        Assert.Equal([ZooOnnxExport.OutputName], session.OutputNames);
        foreach (int count in new[] { 1, 5 }) // the batch dimension is dynamic
        {
            var images = TestData.Images(count, model.InputShape, seed: count);
            AssertClose(model.Forward(images), session.Logits(images), $"{architecture} logits, batch {count}", relative: true); // logits of random batch norms reach 100+
        }
    }

    [Theory]
    [MemberData(nameof(TestData.ArchitectureCases), MemberType = typeof(TestData))]
    public void Each_layer_is_produced_by_a_node_of_its_name_with_torchsharps_activation(string architecture, int channels, int size)
    {
        using var model = new TorchLayeredModel(WithRandomBatchNorm(TestData.Create(architecture, channels, size)), ownsNet: true);
        var onnx = ZooOnnxExport.Export(model.Net);
        var inner = model.LayerNames.SkipLast(1).ToArray();
        foreach (var layer in model.LayerNames)
            Assert.Single(onnx.Graph.Node, n => n.Name == layer);
        onnx.Graph.Output.AddRange(onnx.Graph.ValueInfo.Where(v => inner.Contains(v.Name)));
        using var session = new OnnxClassifier(onnx, architecture);
        var images = TestData.Images(3, model.InputShape, seed: 7);
        var outputs = session.Run(images, inner);
        foreach (var layer in inner)
            AssertClose(model.Head(images, layer), outputs[layer], $"{architecture} layer {layer}", relative: true);
    }

    [Fact]
    public void A_module_the_exporter_does_not_know_is_refused_by_path()
    {
        using var net = new TanhNet();
        var error = Assert.Throws<NotSupportedException>(() => ZooOnnxExport.Export(net));
        Assert.Contains("'squash'", error.Message);
        Assert.Contains("Tanh", error.Message);
    }

    private sealed class TanhNet : LayeredNet
    {
        public TanhNet() : base("tanh", 1, 1, 2, 2, new Fire.Data.Normalization([0.5f], [2f]))
        {
            AddLayer("flat", TorchSharp.torch.nn.Flatten());
            AddLayer("squash", TorchSharp.torch.nn.Tanh());
            AddLayer("out", TorchSharp.torch.nn.Linear(2, 2));
        }
    }

    /// <summary>Batch norm with running statistics and affine parameters far from the fresh (0, 1, 1, 0), so eval mode matters.</summary>
    internal static LayeredNet WithRandomBatchNorm(LayeredNet net)
    {
        using var noGrad = no_grad();
        var generator = new Generator(11);
        foreach (var norm in net.modules().OfType<BatchNorm>())
        {
            long n = norm.running_mean!.shape[0];
            norm.running_mean.copy_(randn(n, generator: generator) * 0.3f);
            norm.running_var!.copy_(rand(n, generator: generator) + 0.5f);
            norm.weight!.copy_(rand(n, generator: generator) + 0.5f);
            norm.bias!.copy_(randn(n, generator: generator) * 0.2f);
        }
        return net;
    }

    /// <summary>
    /// Within <see cref="Tolerance"/>; relative: within it times max(1, the largest |expected|), since rounding grows with
    /// the scale of the activations (inside the random-batch-norm ResNet-20 they reach about 30).
    /// </summary>
    internal static void AssertClose(FloatBatch expected, FloatBatch actual, string what, bool relative = false)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        float tolerance = Tolerance * (relative ? MathF.Max(1, expected.Data.Max(MathF.Abs)) : 1);
        for (int i = 0; i < expected.Data.Length; i++)
            Assert.True(MathF.Abs(expected.Data[i] - actual.Data[i]) <= tolerance,
                $"{what}: value {i} is {actual.Data[i]} in ONNX Runtime, {expected.Data[i]} in TorchSharp.");
    }
}
