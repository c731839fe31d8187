namespace Fire.Core;

/// <summary>
/// An engine capability for parameter-oriented detectors (IBD-PSC): copies of a model whose batch-normalisation layers'
/// affine weight and bias are multiplied by a factor. In eval mode a batch-norm layer computes
/// weight * (x - running mean) / sqrt(running var + eps) + bias, so the copy's layer outputs the original's times the factor.
/// The model itself is never changed.
/// </summary>
public interface IBatchNormAmplifiable
{
    /// <summary>How many batch-normalisation layers the model has, numbered 0.. in module order (the order PyTorch's
    /// <c>named_modules</c> lists them, which is execution order for the zoo's chains).</summary>
    int BatchNormCount { get; }

    /// <summary>A new model, owned by the caller, equal to this one except that the batch-normalisation layers numbered
    /// <paramref name="layers"/> have their weight and bias multiplied by <paramref name="factor"/>.</summary>
    ILayeredModel WithBatchNormAmplified(IReadOnlyCollection<int> layers, float factor);
}
