using Fire.Engines.Torch.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace Fire.Engines.Torch.Tests;

public class BatchNormTests
{
    [Fact]
    public void Matches_TorchSharps_batch_norm_in_training_and_evaluation_with_the_same_state_names()
    {
        using var ours = new BatchNorm2dWithHeldScalar(3, momentum: 0.05);
        using var theirs = nn.BatchNorm2d(3, momentum: 0.05);
        Assert.Equal(theirs.state_dict().Keys, ours.state_dict().Keys);

        using var scope = NewDisposeScope();
        manual_seed(7);
        for (int step = 0; step < 3; step++)
        {
            var x = randn(4, 3, 5, 5).Times(2).Plus(1);
            Assert.Equal(Values(theirs.call(x)), Values(ours.call(x)));
        }
        foreach (var (name, value) in theirs.state_dict())
            Assert.Equal(Values(value.to_type(ScalarType.Float32)), Values(ours.state_dict()[name].to_type(ScalarType.Float32)));
        Assert.Equal(3L, ours.num_batches_tracked!.item<long>());

        ours.eval();
        theirs.eval();
        var y = randn(2, 3, 5, 5);
        Assert.Equal(Values(theirs.call(y)), Values(ours.call(y)));
        Assert.Equal(3L, ours.num_batches_tracked!.item<long>()); // evaluation leaves the count alone
    }

    private static float[] Values(Tensor t) => t.detach().contiguous().data<float>().ToArray();

    [Fact]
    public void A_non_image_input_is_a_clear_error()
    {
        using var norm = new BatchNorm2dWithHeldScalar(3);
        using var flat = zeros(2, 3);
        var error = Assert.Throws<ArgumentException>(() => norm.call(flat));
        Assert.Contains("(N, C, H, W)", error.Message);
    }
}
