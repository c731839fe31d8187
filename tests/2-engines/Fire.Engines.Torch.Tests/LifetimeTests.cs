using TorchSharp;
using static TorchSharp.torch;

namespace Fire.Engines.Torch.Tests;

/// <summary>Tensors end with the dispose scopes that own them; describing layers leaves the net as it was.</summary>
public class LifetimeTests
{
    [Fact]
    public void Repeated_use_of_every_entry_point_leaves_no_live_tensors_behind()
    {
        using var model = new TorchLayeredModel(TestData.Create("resnet20", 3, 32), ownsNet: true);
        var net = model.Net;
        var images = TestData.Images(2, model.InputShape, seed: 1);
        void Round()
        {
            var access = new LayerAccess().Tap("stem", "pool").Edit("layer2_1", TestData.AddRampDelta);
            model.Forward(images, access);
            model.Tail(model.Head(images, "layer3_0"), "layer3_0");
            model.Tail(model.Head(images, "fc"), "fc");
            model.DescribeLayers();
            net.LayerParameterCounts();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = TorchLayeredModel.ToTensor(images);
            net.call(x);
            net.Tail(net.Head(x, "layer1_2"), "layer1_2");
            net.Tail(net.Head(x, "fc"), "fc");
            net.Forward(x, (i, a) => i == 3 ? a * 2 : null);
        }

        Round();
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 5; i++) Round();
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Results_belong_to_the_callers_scope_and_its_own_tensors_stay_there()
    {
        using var net = TestData.Create("small-cnn", 3, 32);
        net.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var images = TestData.ImageTensor(2, net.InputShape, seed: 1);
        var logits = net.Head(images, "fc2");
        var tail = net.Tail(logits, "fc2");              // an empty range of layers
        var kept = zeros(2, 256);
        var replaced = net.Forward(images, (i, a) => i == 4 ? kept : null);
        var lastReplaced = net.Forward(images, (i, a) => i == 5 ? logits : null);
        Assert.All(new[] { images, logits, tail, kept, replaced, lastReplaced }, t => Assert.True(scope.Contains(t)));
        Assert.NotSame(logits, tail);
        Assert.True(tail.equal(logits).all().item<bool>());
        Assert.True(lastReplaced.equal(logits).all().item<bool>());
    }

    [Fact]
    public void A_net_built_inside_a_scope_outlives_it()
    {
        LayeredNet net;
        using (NewDisposeScope()) net = TestData.Create("small-cnn", 1, 28);
        using var model = new TorchLayeredModel(net, ownsNet: true);
        Assert.Equal(new[] { 1, TestData.Classes }, model.Forward(TestData.Images(1, net.InputShape, seed: 1)).Shape);
    }

    [Fact]
    public void Converting_the_net_converts_its_normalisation_too()
    {
        using var net = TestData.Create("small-cnn", 1, 28);
        net.eval();
        net.to(ScalarType.Float64);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Assert.Equal(new long[] { 2, TestData.Classes }, net.call(zeros(new long[] { 2, 1, 28, 28 }, ScalarType.Float64)).shape);
    }

    [Fact]
    public void Describing_layers_keeps_training_modes_and_batch_norm_statistics()
    {
        using var net = TestData.Create("small-cnn", 3, 32);
        net.train();
        var frozen = net.modules().OfType<TorchSharp.Modules.BatchNorm>().First();
        frozen.eval();
        var buffers = net.named_buffers().Select(b => (b.name, Value: b.buffer.clone())).ToList();

        net.DescribeLayers();

        Assert.True(net.training);
        Assert.False(frozen.training);
        Assert.Equal(net.modules().Count(m => m is TorchSharp.Modules.BatchNorm) - 1,
            net.modules().OfType<TorchSharp.Modules.BatchNorm>().Count(m => m.training));
        foreach (var (name, value) in buffers)
            Assert.True(value.equal(net.get_buffer(name)!).all().item<bool>(), $"buffer {name} changed");
    }
}
