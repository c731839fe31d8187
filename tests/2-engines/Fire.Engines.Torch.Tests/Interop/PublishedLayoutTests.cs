using Fire.Engines.Torch.Interop;

namespace Fire.Engines.Torch.Tests.Interop;

public class PublishedLayoutTests
{
    [Theory]
    [InlineData("preact-resnet18", "stem.weight", "conv1.weight")]
    [InlineData("preact-resnet18", "layer1_0.bn1.running_mean", "layer1.0.bn1.running_mean")]
    [InlineData("preact-resnet18", "layer2_0.shortcut.0.weight", "layer2.0.shortcut.0.weight")]
    [InlineData("preact-resnet18", "layer4_1.conv2.weight", "layer4.1.conv2.weight")]
    [InlineData("preact-resnet18", "fc.bias", "linear.bias")]
    [InlineData("resnet20", "stem.0.weight", "conv1.weight")]
    [InlineData("resnet20", "stem.1.num_batches_tracked", "bn1.num_batches_tracked")]
    [InlineData("resnet20", "layer3_2.bn2.running_var", "layer3.2.bn2.running_var")]
    [InlineData("resnet20", "fc.weight", "linear.weight")]
    [InlineData("small-cnn", "conv1.0.weight", "conv1.0.weight")]
    public void PublishedNames(string architecture, string fire, string published) =>
        Assert.Equal(published, PublishedLayout.For(architecture).ToPublished(fire));

    [Theory]
    [InlineData("preact-resnet18", 102)]
    [InlineData("resnet20", 6 + 9 * 12 + 2)]
    public void EveryWeightAndBufferButTheNormalisationIsNamed(string architecture, int count)
    {
        using var net = TestData.Create(architecture, 3, 32);
        var names = PublishedLayout.For(architecture).Names(net);
        Assert.Equal(count, names.Count);
        Assert.DoesNotContain(names, n => n.Fire is LayeredNet.MeanBuffer or LayeredNet.StdBuffer);
        Assert.Equal(names.Count, names.Select(n => n.Published).Distinct().Count());
    }

    [Theory]
    [InlineData("preact-resnet18", "preactresnet18-random")]
    [InlineData("resnet20", "resnet20-gtsrb-blended")]
    public void TheNamesAreThoseOfThePublishedFiles(string architecture, string model)
    {
        using var weights = PyTorchFileReader.Read(SharedModels.File(model, "state_dict.pt"));
        using var net = TestData.Create(architecture, 3, 32, (int)weights.Tensors["linear.bias"].shape[0]);
        Assert.Equal(weights.Tensors.Keys.Order(), PublishedLayout.For(architecture).Names(net).Select(n => n.Published).Order());
    }
}
