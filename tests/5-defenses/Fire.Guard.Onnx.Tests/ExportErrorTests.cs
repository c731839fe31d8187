using Fire.Guard.Onnx;
using Fire.Onnx;
using Onnx;

namespace Fire.Guard.Onnx.Tests;

/// <summary>Bad input to the export: each error names the file and says what is wrong.</summary>
public class ExportErrorTests
{
    private static readonly string ModelPath = Path.Combine(SharedModels.Folder, "gtsrb-badnets-smallcnn", "model.onnx");

    [Fact]
    public void A_layer_the_graph_lacks_is_a_guard_for_another_model()
    {
        var model = OnnxModelFile.Read(ModelPath);
        var plan = Plan("conv3", 4096);
        var error = Assert.Throws<InvalidDataException>(() => GuardOnnxExport.Harden(model, plan, ModelPath));
        Assert.Contains(ModelPath, error.Message);
        Assert.Contains("'conv3'", error.Message);
        Assert.Contains("another model", error.Message);
    }

    [Fact]
    public void A_direction_of_another_size_is_a_guard_for_another_model()
    {
        var model = OnnxModelFile.NewModel(new GraphProto(), "test");
        model.Graph.Input.Add(OnnxModelFile.FloatTensor("input", [null, 4]));
        model.Graph.Node.Add(new NodeProto { Name = "hidden", OpType = "Relu", Input = { "input" }, Output = { "h" } });
        model.Graph.ValueInfo.Add(OnnxModelFile.FloatTensor("h", [null, 4]));
        var error = Assert.Throws<InvalidDataException>(() => GuardOnnxExport.Harden(model, Plan("hidden", 5), "tiny.onnx"));
        Assert.Contains("'tiny.onnx'", error.Message);
        Assert.Contains("4 values", error.Message);
        Assert.Contains("direction 5", error.Message);
    }

    [Fact]
    public void A_guard_without_a_repair_has_nothing_to_export()
    {
        var error = Assert.Throws<ArgumentException>(() => GuardOnnxExport.Harden(OnnxModelFile.Read(ModelPath), RepairPlan.None, ModelPath));
        Assert.Contains(ModelPath, error.Message);
    }

    [Fact]
    public void A_truncated_onnx_file_is_refused_by_name()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fire-truncated-{Guid.NewGuid():N}.onnx");
        var bytes = File.ReadAllBytes(ModelPath);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => OnnxModelFile.Read(path));
            Assert.Contains(path, error.Message);
            Assert.Contains("truncated", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static RepairPlan Plan(string layer, int dimension)
    {
        var beta = Enumerable.Range(0, dimension).Select(i => i % 3 == 0 ? 1f : 0f).ToArray();
        var repair = new LayerRepair(new TriggerDirection(layer, beta, new float[dimension]), new CleanScoreStatistics(0, 1, 2, 0.99f, 10), RepairMode.GatedProjection, 1f);
        return new RepairPlan([repair], estimatedTarget: 0, observedCount: 1);
    }
}
