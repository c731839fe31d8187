using Fire.Data;
using Fire.Engines.Torch.Architectures;

namespace Fire.Engines.Torch.Tests;

/// <summary>Each architecture's exact layer list, activation shapes and parameter count.</summary>
public class ArchitectureLayoutTests
{
    private static string Layout(LayeredNet net) =>
        string.Join(" ", net.DescribeLayers().Select(l => $"{l.Name}:{string.Join("x", l.ActivationShape)}"));

    private static LayeredNet Cifar(string architecture) => ModelZoo.Create(architecture, 3, 32, 32, 10, Normalization.Identity(3));

    [Fact]
    public void Zoo_lists_the_cpu_default_first_and_every_architecture()
    {
        Assert.Equal(new[] { "small-cnn", "resnet20", "vgg11-bn", "preact-resnet18" }, ModelZoo.Architectures);
        Assert.Equal(ModelZoo.Default, ModelZoo.Architectures[0]);
        Assert.IsType<PreActResNet18>(ModelZoo.Create("PreAct-ResNet18", 3, 32, 32, 10, Normalization.Identity(3)));
    }

    [Theory]
    [InlineData("small-cnn", 32, "conv1:32x16x16 conv2:64x8x8 conv3:128x4x4 conv4:256x4x4 fc1:256 fc2:10")]
    [InlineData("small-cnn", 28, "conv1:32x14x14 conv2:64x7x7 conv3:128x4x4 conv4:256x4x4 fc1:256 fc2:10")]
    [InlineData("resnet20", 32, "stem:16x32x32 layer1_0:16x32x32 layer1_1:16x32x32 layer1_2:16x32x32 layer2_0:32x16x16 layer2_1:32x16x16 layer2_2:32x16x16 layer3_0:64x8x8 layer3_1:64x8x8 layer3_2:64x8x8 pool:64 fc:10")]
    [InlineData("resnet20", 28, "stem:16x28x28 layer1_0:16x28x28 layer1_1:16x28x28 layer1_2:16x28x28 layer2_0:32x14x14 layer2_1:32x14x14 layer2_2:32x14x14 layer3_0:64x7x7 layer3_1:64x7x7 layer3_2:64x7x7 pool:64 fc:10")]
    [InlineData("vgg11-bn", 32, "block1:64x16x16 block2:128x8x8 block3:256x4x4 block4:512x2x2 block5:512x2x2 pool:512 fc:10")]
    [InlineData("vgg11-bn", 28, "block1:64x14x14 block2:128x7x7 block3:256x4x4 block4:512x2x2 block5:512x2x2 pool:512 fc:10")]
    [InlineData("preact-resnet18", 32, "stem:64x32x32 layer1_0:64x32x32 layer1_1:64x32x32 layer2_0:128x16x16 layer2_1:128x16x16 layer3_0:256x8x8 layer3_1:256x8x8 layer4_0:512x4x4 layer4_1:512x4x4 pool:512 fc:10")]
    [InlineData("preact-resnet18", 28, "stem:64x28x28 layer1_0:64x28x28 layer1_1:64x28x28 layer2_0:128x14x14 layer2_1:128x14x14 layer3_0:256x7x7 layer3_1:256x7x7 layer4_0:512x4x4 layer4_1:512x4x4 pool:512 fc:10")]
    public void Layers_and_activation_shapes_are_as_designed(string architecture, int size, string expected)
    {
        using var net = ModelZoo.Create(architecture, size == 28 ? 1 : 3, size, size, 10, Normalization.Identity(size == 28 ? 1 : 3));
        Assert.Equal(expected, Layout(net));
    }

    [Fact]
    public void PreAct_ResNet18_has_BackdoorBench_parameter_count()
    {
        // BackdoorBench's PreActResNet18(num_classes=10) on 3x32x32: 11,171,146 parameters (no final batch norm).
        using var net = Cifar("preact-resnet18");
        Assert.Equal(11_171_146, net.ParameterCount());
        var names = net.named_parameters().Select(p => p.name).ToList();
        Assert.Contains("layer2_0.shortcut.0.weight", names);
        Assert.Contains("layer1_0.bn1.running_mean", net.named_buffers().Select(b => b.name));
    }

    [Fact]
    public void ResNet20_has_the_option_A_parameter_count()
    {
        // He et al.'s CIFAR ResNet-20 with identity (option A) shortcuts: 0.27M parameters.
        using var net = Cifar("resnet20");
        Assert.Equal(269_722, net.ParameterCount());
    }

    [Theory]
    [InlineData("small-cnn", 457_258)]
    [InlineData("vgg11-bn", 9_228_362)]
    public void Other_architectures_have_their_designed_size(string architecture, long parameters)
    {
        using var net = Cifar(architecture);
        Assert.Equal(parameters, net.ParameterCount());
    }

    [Theory]
    [InlineData("small-cnn", 256 * 10 + 10)]
    [InlineData("preact-resnet18", 512 * 10 + 10)]
    public void Per_layer_parameter_counts_add_up_to_the_total(string architecture, long classifierParameters)
    {
        using var net = Cifar(architecture);
        var perLayer = net.LayerParameterCounts();
        Assert.Equal(net.LayerNames, perLayer.Select(l => l.Name));
        Assert.Equal(net.ParameterCount(), perLayer.Sum(l => l.Parameters));
        Assert.Equal(classifierParameters, perLayer[^1].Parameters);
    }
}
