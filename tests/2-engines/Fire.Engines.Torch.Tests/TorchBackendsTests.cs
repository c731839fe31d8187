namespace Fire.Engines.Torch.Tests;

/// <summary>Building a network turns off libtorch's NNPACK probe, which logged a warning per small convolution.</summary>
public class TorchBackendsTests
{
    [Fact]
    public void Building_a_net_turns_nnpack_off_and_configuring_again_keeps_it_off()
    {
        using var net = TestData.Create("small-cnn", 3, 32);
        Assert.False(TorchBackends.NnpackEnabled);
        TorchBackends.Configure();
        Assert.False(TorchBackends.NnpackEnabled);
    }
}
