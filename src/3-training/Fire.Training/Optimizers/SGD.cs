using Fire.Engines.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fire.Training.Optimizers;

/// <summary>
/// TorchSharp's SGD with momentum, dampening and weight decay, the same arithmetic step for step, except that every
/// Scalar of a step is one this class holds until the step ends: TorchSharp's own step passes the learning rate,
/// momentum and weight decay as temporary Scalars, several per parameter and step, that a finalizer can free
/// mid-call (see <see cref="HeldScalars"/>). State and saved-state format are TorchSharp's, and so is the type name
/// the saved state records, so states saved by either optimizer load into the other.
/// </summary>
public sealed class SGD(IEnumerable<Parameter> parameters, double lr, double momentum, double weightDecay)
    : TorchSharp.Modules.SGD(parameters, lr, momentum, weight_decay: weightDecay)
{
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        if (options.nesterov == true || options.maximize == true)
            throw new NotSupportedException("Fire's SGD has no Nesterov or maximising mode.");
        double momentumValue = options.momentum!.Value, decayValue = options.weight_decay!.Value;
        using var decay = decayValue.ToScalar();
        using var momentum = momentumValue.ToScalar();
        using var gradientShare = (1 - options.dampening!.Value).ToScalar();
        using var minusRate = (-options.LearningRate!.Value).ToScalar();
        foreach (var param in group.Parameters)
        {
            var grad = param.grad;
            if (grad is null) continue;
            if (decayValue != 0) grad = grad.add(param, decay);
            if (momentumValue != 0)
            {
                var state = (State)_state[param.Handle];
                if (state.momentum_buffer is null)
                    state.momentum_buffer = grad.clone().detach().DetachFromDisposeScope();
                else
                    state.momentum_buffer.mul_(momentum).add_(grad, gradientShare);
                grad = state.momentum_buffer;
            }
            param.add_(grad, minusRate);
        }
    }, closure);
}
