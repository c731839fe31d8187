using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fire.Training.Tests;

/// <summary>Fire's optimizers (held Scalars) must move parameters exactly as TorchSharp's own and share their saved state.</summary>
public class OptimizerTests
{
    private static readonly double[] Rates = [0.1, 0.05, 0.02, 0.01];

    /// <summary>Steps a fresh copy of the same parameters on the same gradients with each rate; returns the final values.</summary>
    private static float[] Train(Func<IEnumerable<Parameter>, OptimizerHelper> create)
    {
        manual_seed(11);
        using var weight = new Parameter(randn(4, 3));
        using var bias = new Parameter(randn(3));
        using var optimizer = create([weight, bias]);
        foreach (double rate in Rates)
        {
            using var scope = NewDisposeScope();
            foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
            var x = randn(5, 4);
            var loss = (x.matmul(weight) + bias).square().mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
        return weight.detach().flatten().data<float>().Concat(bias.detach().data<float>()).ToArray();
    }

    [Fact]
    public void Fires_sgd_steps_exactly_as_TorchSharps_sgd()
    {
        var theirs = Train(p => optim.SGD(p, 0.1, 0.9, weight_decay: 5e-4));
        var ours = Train(p => new Optimizers.SGD(p, 0.1, 0.9, 5e-4));
        Assert.Equal(theirs, ours);
        Assert.NotEqual(Train(p => optim.SGD(p, 0.1, 0.9)), ours); // the weight decay is applied
    }

    [Fact]
    public void Fires_adam_steps_exactly_as_TorchSharps_adam()
    {
        var theirs = Train(p => optim.Adam(p, 0.01, 0.5, 0.9));
        var ours = Train(p => new Optimizers.Adam(p, 0.01, 0.5, 0.9));
        Assert.Equal(theirs, ours);
        Assert.NotEqual(Train(p => optim.Adam(p, 0.01, 0.9, 0.999)), ours); // the betas are applied
    }

    [Fact]
    public void A_saved_sgd_state_loads_into_TorchSharps_sgd_and_continues_the_same()
    {
        using var parameter = new Parameter(ones(3));
        using var ours = new Optimizers.SGD([parameter], 0.1, 0.9, 0);
        parameter.grad = tensor(new[] { 2f, 2f, 2f });
        ours.step();
        string path = Path.GetTempFileName();
        try
        {
            ours.save_state_dict(path);
            using var theirs = optim.SGD([parameter], 0.1, 0.9);
            theirs.load_state_dict(path);
            using var before = parameter.detach().clone();
            ours.step();
            var expected = parameter.detach().data<float>().ToArray();
            using (no_grad()) parameter.copy_(before);
            theirs.step();
            Assert.Equal(expected, parameter.detach().data<float>().ToArray());
            Assert.All(expected, v => Assert.Equal(0.42, v, 1e-6)); // 0.8 - 0.1 x (0.9 x 2 + 2)
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_mode_Fires_sgd_lacks_is_a_clear_error()
    {
        using var parameter = new Parameter(ones(3));
        using var sgd = new Optimizers.SGD([parameter], 0.1, 0.9, 0);
        ((TorchSharp.Modules.SGD.ParamGroup)sgd.ParamGroups.First()).Options.nesterov = true;
        parameter.grad = ones(3);
        var error = Assert.Throws<NotSupportedException>(() => sgd.step());
        Assert.Contains("Nesterov", error.Message);
    }
}
