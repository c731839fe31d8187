using TorchSharp;
using static TorchSharp.torch;

namespace Fire.Engines.Torch.Architectures;

/// <summary>
/// TorchSharp's 2-D batch normalisation, except that the training step count grows by a Scalar the module holds.
/// TorchSharp's own forward passes <c>num_batches_tracked.add_(1)</c> two temporary Scalars that only a finalizer
/// frees, and two 20-epoch CIFAR-10 trainings here died in exactly that call with a corrupted Scalar ("argument
/// alpha must not be a floating point number", "Expected false to be true" in toLong) after ~4,000 and ~6,700 steps.
/// Same parameters, buffers and state-dict names as TorchSharp's, so checkpoints load either way, and the same output.
/// </summary>
public sealed class BatchNorm2dWithHeldScalar : TorchSharp.Modules.BatchNorm
{
    public BatchNorm2dWithHeldScalar(long features, double eps = 1e-5, double momentum = 0.1)
        : base(features, eps, momentum, affine: true, track_running_stats: true, device: null, dtype: null, name: "BatchNorm2d")
    {
    }

    protected override void ValidateInputDimensions(Tensor input)
    {
        if (input.ndim != 4) throw new ArgumentException($"Batch normalisation over channels expects (N, C, H, W) input; got {input.ndim} dimensions.");
    }

    public override Tensor forward(Tensor input)
    {
        ValidateInputDimensions(input);
        if (training) num_batches_tracked!.add_(HeldScalars.One, HeldScalars.One);
        return nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training, momentum!.Value, eps);
    }
}
