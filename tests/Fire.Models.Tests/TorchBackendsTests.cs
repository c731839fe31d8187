namespace Fire.Models.Tests;

/// <summary>Wrapping a model turns off libtorch's NNPACK probe, which logged a warning per small convolution.</summary>
public class TorchBackendsTests
{
    [Fact]
    public void Wrapping_a_model_turns_nnpack_off_and_configuring_again_keeps_it_off()
    {
        using var model = new TorchLayeredModel(TestData.Create("small-cnn", 3, 32), ownsNet: true);
        Assert.False(TorchBackends.NnpackEnabled);
        TorchBackends.Configure();
        Assert.False(TorchBackends.NnpackEnabled);
    }
}
