using Google.Protobuf;
using Onnx;

namespace Fire.Engines.Onnx.Tests;

/// <summary>Bad models and bad calls: each a clear error naming the file and the problem.</summary>
public sealed class ErrorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fire-onnx-errors-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The small-CNN fixture changed by <paramref name="change"/>, written to a temporary file.</summary>
    private string Changed(string name, Action<ModelProto> change)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Fixtures.Model(Fixtures.SmallCnn)));
        change(model);
        return Write(name, model.ToByteArray());
    }

    private static void AssertRefused<T>(string path, string problem, Func<object> open) where T : Exception
    {
        var error = Assert.Throws<T>(open);
        Assert.Contains(path, error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_truncated_file_is_refused()
    {
        var bytes = File.ReadAllBytes(Fixtures.Model(Fixtures.SmallCnn));
        string path = Write("truncated.onnx", bytes[..(bytes.Length / 2)]);
        AssertRefused<InvalidDataException>(path, "not a readable ONNX model", () => new OnnxLayeredModel(path));
    }

    [Fact]
    public void A_file_that_is_not_ONNX_is_refused()
    {
        string path = Write("text.onnx", "just some text, not a model"u8.ToArray());
        var error = Assert.ThrowsAny<InvalidDataException>(() => new OnnxLayeredModel(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        string path = Path.Combine(_folder, "absent.onnx");
        AssertRefused<FileNotFoundException>(path, "No ONNX model", () => new OnnxLayeredModel(path));
    }

    [Fact]
    public void A_graph_with_two_inputs_is_refused()
    {
        string path = Changed("two-inputs.onnx", m => m.Graph.Input.Add(m.Graph.Input[0].Clone().Also(i => i.Name = "second")));
        AssertRefused<InvalidDataException>(path, "has 2 inputs (input, second)", () => new OnnxLayeredModel(path));
    }

    [Fact]
    public void A_non_image_input_is_refused()
    {
        string path = Changed("flat.onnx", m => m.Graph.Input[0].Type.TensorType.Shape.Dim.RemoveAt(3));
        AssertRefused<InvalidDataException>(path, "has 3 dimensions", () => new OnnxLayeredModel(path));
    }

    [Fact]
    public void An_unsupported_element_type_is_refused()
    {
        string path = Changed("double.onnx", m => m.Graph.Input[0].Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Double);
        AssertRefused<InvalidDataException>(path, "element type Double; Fire supports float32 only", () => new OnnxLayeredModel(path));
    }

    [Fact]
    public void A_layer_name_not_in_the_list_is_refused_with_the_list()
    {
        using var model = Fixtures.Open(Fixtures.SmallCnn);
        var images = Fixtures.Images(1, model.InputShape, seed: 1);
        var error = Assert.Throws<ArgumentException>(() => model.Head(images, "block9"));
        Assert.Contains("'block9' is not a layer of", error.Message);
        Assert.Contains(model.LayerNames[0], error.Message);
        Assert.Throws<ArgumentException>(() => model.Forward(images, new LayerAccess().Tap("block9")));
    }

    [Fact]
    public void A_mean_with_the_wrong_number_of_channels_is_refused()
    {
        string path = Fixtures.Model(Fixtures.ResNet20);
        var error = Assert.Throws<ArgumentException>(() => new OnnxLayeredModel(path, new InputNormalization([0.5f], [0.25f])));
        Assert.Contains(path, error.Message);
        Assert.Contains("the mean has 1 values but the model takes 3 channels", error.Message);
    }

    [Fact]
    public void Pixels_outside_0_1_and_wrong_sizes_are_refused()
    {
        using var model = Fixtures.Open(Fixtures.SmallCnn);
        var bytes = new FloatBatch(Enumerable.Repeat(200f, 3 * 32 * 32).ToArray(), [1, 3, 32, 32]);
        Assert.Contains("pixels in [0, 1]", Assert.Throws<ArgumentException>(() => model.Forward(bytes)).Message);
        var small = Fixtures.Images(1, [3, 28, 28], seed: 2);
        Assert.Contains("takes images of shape [3, 32, 32]", Assert.Throws<ArgumentException>(() => model.Forward(small)).Message);
    }
}

internal static class ProtoExtensions
{
    public static T Also<T>(this T value, Action<T> change)
    {
        change(value);
        return value;
    }
}
