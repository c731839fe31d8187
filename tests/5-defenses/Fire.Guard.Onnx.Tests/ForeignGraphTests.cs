using Fire.Guard.Onnx;
using Fire.Onnx;
using Fire.Engines.Onnx;
using Onnx;

namespace Fire.Guard.Onnx.Tests;

/// <summary>
/// The repair spliced into a graph Fire did not write (PyTorch's export of a backdoored GTSRB CNN in ../shared/models):
/// the repaired tensor is <see cref="LayerRepair.Apply"/>'s, for every mode, and the graph keeps its input and output.
/// </summary>
public class ForeignGraphTests
{
    private static readonly string ModelPath = Path.Combine(SharedModels.Folder, "gtsrb-badnets-smallcnn", "model.onnx");

    public static TheoryData<string> Modes() => [.. RepairModes.All.Select(RepairModes.Name)];

    [Theory]
    [MemberData(nameof(Modes))]
    public void Repair_at_a_pytorch_node_is_the_guards_arithmetic(string mode)
    {
        var model = OnnxModelFile.Read(ModelPath);
        // The last ReLU: the hidden features before the classifier, whatever PyTorch named the node.
        var node = model.Graph.Node.Last(n => n.OpType == "Relu");
        string layer = string.IsNullOrEmpty(node.Name) ? node.Output[0] : node.Name, tensor = node.Output[0];
        var images = SharedModels.Images(16, [3, 32, 32], seed: 3);
        var activations = RunWithOutput(model, tensor, images);

        var repair = SyntheticRepair(layer, activations, RepairModes.Parse(mode));
        var hardened = GuardOnnxExport.Harden(model, new RepairPlan([repair], estimatedTarget: 0, observedCount: 1), ModelPath);
        Assert.Equal(model.Graph.Input.Select(i => i.Name), hardened.Graph.Input.Select(i => i.Name));
        Assert.Equal(model.Graph.Output.Select(o => o.Name), hardened.Graph.Output.Select(o => o.Name));

        var changed = new bool[images.Count];
        var expected = repair.Apply(activations, changed: changed);
        var actual = RunWithOutput(hardened, tensor, images);
        Assert.Equal(expected.Shape, actual.Shape);
        for (int i = 0; i < expected.Data.Length; i++)
            Assert.True(MathF.Abs(expected.Data[i] - actual.Data[i]) <= 1e-4f * MathF.Max(1, MathF.Abs(expected.Data[i])), $"{mode}: value {i} is {actual.Data[i]}, the guard's {expected.Data[i]}.");
        Assert.Contains(true, changed);
        if (RepairModes.IsGated(repair.Mode)) Assert.Contains(false, changed);
    }

    /// <summary>
    /// PyTorch declares no intermediate shapes. Given the engine's layer shapes, the repaired tensor is restored to a
    /// constant shape (no run-time Shape node), so ONNX Runtime keeps knowing the shapes after it (its NCHWc layout and
    /// MatMul + BatchNorm fusion downstream depend on them); without them the shape is read at run time. Same values either way.
    /// </summary>
    [Fact]
    public void Engine_layer_shapes_make_the_restored_shape_a_constant()
    {
        var model = OnnxModelFile.Read(ModelPath);
        using var engine = new OnnxLayeredModel(ModelPath, threads: 1);
        var layer = engine.DescribeLayers().First(l => l.ActivationShape.Length == 3 && l.Name.Contains("Relu"));
        string tensor = engine.TensorOf(layer.Name);
        var images = SharedModels.Images(8, [3, 32, 32], seed: 5);
        var repair = SyntheticRepair(layer.Name, RunWithOutput(model, tensor, images), RepairMode.GatedProjection);
        var plan = new RepairPlan([repair], estimatedTarget: 0, observedCount: 1);

        var withShapes = GuardOnnxExport.Harden(model, plan, ModelPath, engine.DescribeLayers());
        var withoutShapes = GuardOnnxExport.Harden(model, plan, ModelPath);
        Assert.DoesNotContain(withShapes.Graph.Node, n => n.OpType == "Shape" && n.Name.StartsWith("fire/"));
        Assert.Contains(withoutShapes.Graph.Node, n => n.OpType == "Shape" && n.Name.StartsWith("fire/"));
        var shape = withShapes.Graph.Initializer.Single(t => t.Name == $"fire/{layer.Name}/shape");
        Assert.Equal([-1L, .. layer.ActivationShape.Select(d => (long)d)],
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(shape.RawData.Span).ToArray());
        // Equal up to float rounding: ONNX Runtime fuses other nodes downstream once it knows the shapes.
        var (dynamic, constant) = (RunWithOutput(withoutShapes, "logits", images).Data, RunWithOutput(withShapes, "logits", images).Data);
        Assert.Equal(dynamic.Length, constant.Length);
        Assert.All(dynamic.Zip(constant), p => Assert.True(MathF.Abs(p.First - p.Second) <= 1e-4f * MathF.Max(1, MathF.Abs(p.First)), $"{p.Second} against {p.First}"));

        var wrong = engine.DescribeLayers().Select(l => l.Name == layer.Name ? new LayerInfo(l.Name, [2, .. l.ActivationShape]) : l).ToList();
        var error = Assert.Throws<InvalidDataException>(() => GuardOnnxExport.Harden(model, plan, ModelPath, wrong));
        Assert.Contains("fitted for another model", error.Message);
    }

    /// <summary>A seeded direction, the clean mean from the first half of the rows, a gate at the median score: some rows repaired, some not.</summary>
    internal static LayerRepair SyntheticRepair(string layer, FloatBatch activations, RepairMode mode)
    {
        var random = new Random(7);
        int d = activations.SampleSize;
        var beta = Enumerable.Range(0, d).Select(_ => (float)(random.NextDouble() - 0.3)).ToArray();
        var mean = new float[d];
        for (int i = 0; i < activations.Count / 2; i++)
            for (int j = 0; j < d; j++) mean[j] += activations.Sample(i)[j] / (activations.Count / 2);
        var direction = new TriggerDirection(layer, beta, mean);
        var scores = Enumerable.Range(0, activations.Count).Select(i => (double)direction.Score(activations.Sample(i))).Order().ToArray();
        float median = (float)scores[scores.Length / 2];
        return new LayerRepair(direction, new CleanScoreStatistics(Mean: (float)scores[2], Std: 1, Threshold: median, Quantile: 0.5f, Count: scores.Length), mode, alpha: 0.8f);
    }

    /// <summary>The values of <paramref name="tensor"/> when <paramref name="model"/> runs on <paramref name="images"/>.</summary>
    internal static FloatBatch RunWithOutput(ModelProto model, string tensor, FloatBatch images)
    {
        var copy = model.Clone();
        copy.Graph.Output.Add(new ValueInfoProto { Name = tensor });
        using var session = new OnnxClassifier(copy, ModelPath);
        return session.Run(images, tensor)[tensor];
    }
}
