using static TorchSharp.torch;

namespace Fire.Engines.Torch.Tests;

/// <summary>The layer API on every architecture, for grey 28x28 and colour 32x32 inputs (eval mode).</summary>
public class ArchitectureTests
{
    [Theory]
    [MemberData(nameof(TestData.ArchitectureCases), MemberType = typeof(TestData))]
    public void Forward_gives_one_row_of_logits_per_image(string architecture, int channels, int size)
    {
        using var model = new TorchLayeredModel(TestData.Create(architecture, channels, size), ownsNet: true);
        var logits = model.Forward(TestData.Images(3, model.InputShape, seed: 1));
        Assert.Equal(new[] { 3, TestData.Classes }, logits.Shape);
        Assert.All(logits.Data, v => Assert.True(float.IsFinite(v)));
    }

    [Theory]
    [MemberData(nameof(TestData.ArchitectureCases), MemberType = typeof(TestData))]
    public void Layer_names_are_unique_dot_free_and_describe_in_order(string architecture, int channels, int size)
    {
        using var model = new TorchLayeredModel(TestData.Create(architecture, channels, size), ownsNet: true);
        var names = model.LayerNames;
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.DoesNotContain('.', n));
        Assert.Equal(names, model.DescribeLayers().Select(l => l.Name));
        Assert.Equal(new[] { TestData.Classes }, model.DescribeLayers()[^1].ActivationShape);
    }

    [Theory]
    [MemberData(nameof(TestData.ArchitectureCases), MemberType = typeof(TestData))]
    public void Described_shapes_are_the_shapes_head_produces(string architecture, int channels, int size)
    {
        using var model = new TorchLayeredModel(TestData.Create(architecture, channels, size), ownsNet: true);
        var images = TestData.Images(2, model.InputShape, seed: 2);
        foreach (var layer in model.DescribeLayers())
            Assert.Equal(new[] { 2 }.Concat(layer.ActivationShape), model.Head(images, layer.Name).Shape);
    }

    [Theory]
    [MemberData(nameof(TestData.ArchitectureCases), MemberType = typeof(TestData))]
    public void Tail_of_a_head_activation_gives_exactly_the_full_logits(string architecture, int channels, int size)
    {
        using var model = new TorchLayeredModel(TestData.Create(architecture, channels, size), ownsNet: true);
        var images = TestData.Images(2, model.InputShape, seed: 3);
        var logits = model.Forward(images);
        foreach (var layer in model.LayerNames)
            Assert.Equal(logits.Data, model.Tail(model.Head(images, layer), layer).Data);
    }

    [Theory]
    [MemberData(nameof(TestData.ArchitectureCases), MemberType = typeof(TestData))]
    public void Replacing_an_activation_gives_exactly_the_tail_of_the_replacement(string architecture, int channels, int size)
    {
        using var model = new TorchLayeredModel(TestData.Create(architecture, channels, size), ownsNet: true);
        var images = TestData.Images(2, model.InputShape, seed: 4);
        foreach (var layer in model.LayerNames)
        {
            var replaced = TestData.WithRampDelta(model.Head(images, layer));
            var access = new LayerAccess().Edit(layer, TestData.AddRampDelta).Tap(layer);
            var logits = model.Forward(images, access);
            Assert.Equal(replaced.Data, access.Captured[layer].Data);
            Assert.Equal(model.Tail(replaced, layer).Data, logits.Data);
        }
    }

    [Theory]
    [MemberData(nameof(TestData.ArchitectureCases), MemberType = typeof(TestData))]
    public void Replacing_a_layer_leaves_the_layers_before_it_untouched(string architecture, int channels, int size)
    {
        using var model = new TorchLayeredModel(TestData.Create(architecture, channels, size), ownsNet: true);
        var images = TestData.Images(2, model.InputShape, seed: 5);
        var names = model.LayerNames.ToArray();
        int replacedAt = names.Length / 2;
        var plain = new LayerAccess().Tap(names);
        model.Forward(images, plain);
        var edited = new LayerAccess().Tap(names).Edit(names[replacedAt], TestData.AddRampDelta);
        model.Forward(images, edited);

        for (int i = 0; i < replacedAt; i++) Assert.Equal(plain.Captured[names[i]].Data, edited.Captured[names[i]].Data);
        Assert.Equal(TestData.WithRampDelta(plain.Captured[names[replacedAt]]).Data, edited.Captured[names[replacedAt]].Data);
        Assert.NotEqual(plain.Captured[names[^1]].Data, edited.Captured[names[^1]].Data);
    }

    [Theory]
    [MemberData(nameof(TestData.ArchitectureCases), MemberType = typeof(TestData))]
    public void Normalisation_is_part_of_the_model(string architecture, int channels, int size)
    {
        using var net = TestData.Create(architecture, channels, size);
        net.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var images = TestData.Images(2, net.InputShape, seed: 6);
        // (x - mean) / std by hand, with the means and deviations TestData.Create sets, fed to the layers directly.
        var normalized = new float[images.Data.Length];
        int plane = size * size;
        for (int i = 0; i < normalized.Length; i++)
        {
            int channel = i / plane % channels;
            normalized[i] = (images.Data[i] - (0.4f + 0.05f * channel)) / (0.25f + 0.01f * channel);
        }
        var byHand = net.RunLayers(TorchLayeredModel.ToTensor(new FloatBatch(normalized, images.Shape)), 0, net.LayerNames.Count);
        var logits = net.call(TorchLayeredModel.ToTensor(images));
        Assert.True(logits.allclose(byHand, rtol: 1e-4, atol: 1e-5), $"max difference {(logits - byHand).abs().max().item<float>()}");
    }
}
