using Fire.Data;
using static TorchSharp.torch;

namespace Fire.Engines.Torch.Tests;

/// <summary>Misuse gets an ArgumentException that says what is wrong, never a native error.</summary>
public class ModelErrorTests
{
    private static TorchLayeredModel Cifar() => new(TestData.Create("small-cnn", 3, 32), ownsNet: true);

    [Fact]
    public void Unknown_architecture_lists_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelZoo.Create("resnet-1000", 3, 32, 32, 10, Normalization.Identity(3)));
        Assert.Contains("'resnet-1000'", error.Message);
        Assert.Contains("small-cnn, resnet20, vgg11-bn, preact-resnet18", error.Message);
    }

    [Fact]
    public void Unknown_layer_lists_the_known_ones_wherever_a_layer_is_named()
    {
        using var model = Cifar();
        var images = TestData.Images(2, model.InputShape, seed: 1);
        const string known = "conv1, conv2, conv3, conv4, fc1, fc2";
        var attempts = new Action[]
        {
            () => model.Head(images, "conv9"),
            () => model.Tail(new FloatBatch(new float[2 * 256], new[] { 2, 256 }), "conv9"),
            () => model.Forward(images, new LayerAccess().Tap("conv9")),
            () => model.Forward(images, new LayerAccess().Edit("conv9", _ => { })),
            () => model.Net.LayerIndex("conv9"),
        };
        foreach (var attempt in attempts)
        {
            var error = Assert.Throws<ArgumentException>(attempt);
            Assert.Contains("'conv9'", error.Message);
            Assert.Contains(known, error.Message);
        }
    }

    [Fact]
    public void Wrong_input_shape_names_expected_and_actual()
    {
        using var model = Cifar();
        var grey = TestData.Images(2, new[] { 1, 28, 28 }, seed: 1);
        foreach (var attempt in new Action[] { () => model.Forward(grey), () => model.Head(grey, "conv2") })
        {
            var error = Assert.Throws<ArgumentException>(attempt);
            Assert.Contains("(N, 3, 32, 32)", error.Message);
            Assert.Contains("[2, 1, 28, 28]", error.Message);
        }
        using var scope = NewDisposeScope();
        var flat = Assert.Throws<ArgumentException>(() => model.Net.call(zeros(2, 3072)));
        Assert.Contains("[2, 3072]", flat.Message);
        var doubles = Assert.Throws<ArgumentException>(() => model.Net.call(zeros(new long[] { 2, 3, 32, 32 }, ScalarType.Float64)));
        Assert.Contains("Float64", doubles.Message);
    }

    [Theory]
    [InlineData(255f, "255")]        // bytes as floats
    [InlineData(-1.9f, "-1.9")]      // normalised already
    [InlineData(float.NaN, "NaN")]
    public void Pixels_outside_zero_to_one_are_refused_with_the_likely_cause(float value, string shown)
    {
        using var model = Cifar();
        var images = TestData.Images(2, model.InputShape, seed: 1);
        images.Data[100] = value;
        foreach (var attempt in new Action[] { () => model.Forward(images), () => model.Head(images, "conv2") })
        {
            var error = Assert.Throws<ArgumentException>(attempt);
            Assert.Contains($"pixels in [0, 1]; the batch holds {shown} at flat index 100", error.Message);
            Assert.Contains("divide by 255", error.Message);
        }
        images.Data[100] = 1.00001f; // rounding past the bound passes
        Assert.Equal(2, model.Forward(images).Count);
    }

    [Fact]
    public void Wrong_replacement_shape_names_the_layer_and_both_shapes()
    {
        using var model = Cifar();
        var images = TestData.Images(2, model.InputShape, seed: 1);
        int conv2 = model.Net.LayerIndex("conv2");
        var error = Assert.Throws<ArgumentException>(() =>
            model.Net.Forward(TorchLayeredModel.ToTensor(images), (i, x) => i == conv2 ? zeros(new long[] { 2, 32, 8, 8 }) : null));
        Assert.Contains("'conv2'", error.Message);
        Assert.Contains("[2, 32, 8, 8]", error.Message);
        Assert.Contains("[2, 64, 8, 8]", error.Message);
    }

    [Fact]
    public void Wrong_tail_activation_shape_names_the_layer_and_both_shapes()
    {
        using var model = Cifar();
        var error = Assert.Throws<ArgumentException>(() => model.Tail(new FloatBatch(new float[2 * 64 * 4 * 4], new[] { 2, 64, 4, 4 }), "conv2"));
        Assert.Contains("'conv2'", error.Message);
        Assert.Contains("(N, 64, 8, 8)", error.Message);
        Assert.Contains("[2, 64, 4, 4]", error.Message);
    }

    [Fact]
    public void Impossible_configurations_are_refused_at_construction()
    {
        Assert.Contains("at least 2 classes", Assert.Throws<ArgumentException>(() => ModelZoo.Create("resnet20", 3, 32, 32, 1, Normalization.Identity(3))).Message);
        Assert.Contains("3 input channels", Assert.Throws<ArgumentException>(() => ModelZoo.Create("resnet20", 3, 32, 32, 10, Normalization.Identity(1))).Message);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => ModelZoo.Create("resnet20", 1, 28, 28, 10, new Normalization(new[] { 0f }, new[] { 0f }))).Message);
        Assert.Contains("0x32x32", Assert.Throws<ArgumentException>(() => ModelZoo.Create("vgg11-bn", 0, 32, 32, 10, Normalization.Identity(0))).Message);
    }
}
