using Fire.Engines.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fire.Training.Optimizers;

/// <summary>
/// TorchSharp's Adam (no AMSGrad, no weight decay), the same arithmetic step for step, with Scalars held until each
/// update ends instead of TorchSharp's temporaries; state, saved-state format and type name are TorchSharp's
/// (see <see cref="SGD"/> and <see cref="HeldScalars"/>).
/// </summary>
public sealed class Adam(IEnumerable<Parameter> parameters, double lr, double beta1, double beta2)
    : TorchSharp.Modules.Adam(parameters, lr, beta1, beta2)
{
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        if (options.amsgrad == true || options.maximize == true || options.weight_decay != 0)
            throw new NotSupportedException("Fire's Adam has no AMSGrad, maximising or weight-decay mode.");
        double beta1Value = options.beta1!.Value, beta2Value = options.beta2!.Value, rate = options.LearningRate!.Value;
        using var beta1 = beta1Value.ToScalar();
        using var beta2 = beta2Value.ToScalar();
        using var gradientShare = (1 - beta1Value).ToScalar();
        using var squareShare = (1 - beta2Value).ToScalar();
        using var eps = options.eps!.Value.ToScalar();
        foreach (var param in group.Parameters)
        {
            var grad = param.grad;
            if (grad is null) continue;
            var state = (State)_state[param.Handle];
            state.step += 1;
            double biasCorrection1 = 1 - Math.Pow(beta1Value, state.step);
            double biasCorrection2 = 1 - Math.Pow(beta2Value, state.step);
            using var rootCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
            using var minusStepSize = (-(rate / biasCorrection1)).ToScalar();
            state.exp_avg.mul_(beta1).add_(grad, gradientShare);
            state.exp_avg_sq.mul_(beta2).addcmul_(grad, grad.conj(), squareShare);
            var denominator = state.exp_avg_sq.sqrt().div(rootCorrection2).add_(eps, HeldScalars.One);
            param.addcdiv_(state.exp_avg, denominator, minusStepSize);
        }
    }, closure);
}
