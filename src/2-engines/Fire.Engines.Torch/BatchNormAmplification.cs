using Fire.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Fire.Engines.Torch;

/// <summary>
/// Copies of a zoo net with some batch-normalisation layers' weight and bias multiplied by a factor (IBD-PSC's
/// parameter-amplified models). The copy is a fresh net of the same architecture with the original's state dict copied
/// into it, so the original's parameters are only read.
/// </summary>
public static class BatchNormAmplification
{
    /// <summary>The net's batch-normalisation layers in module order (PyTorch's <c>named_modules</c> order).</summary>
    public static IReadOnlyList<TorchSharp.Modules.BatchNorm> Layers(LayeredNet net) =>
        net.modules().OfType<TorchSharp.Modules.BatchNorm>().ToList();

    /// <summary>A copy of <paramref name="net"/> (owned by the caller) with the batch-norm layers numbered
    /// <paramref name="layers"/> amplified by <paramref name="factor"/>.</summary>
    public static LayeredNet Amplified(LayeredNet net, IReadOnlyCollection<int> layers, float factor)
    {
        if (!float.IsFinite(factor)) throw new ArgumentOutOfRangeException(nameof(factor), $"A batch-norm amplification factor must be finite, got {factor}.");
        int count = Layers(net).Count;
        foreach (int layer in layers)
            if (layer < 0 || layer >= count)
                throw new ArgumentOutOfRangeException(nameof(layers), $"{net.Architecture} has {count} batch-norm layer(s), numbered 0 to {count - 1}; got {layer}.");
        if (!ModelZoo.Architectures.Contains(net.Architecture))
            throw new ArgumentException($"Only the zoo's architectures ({string.Join(", ", ModelZoo.Architectures)}) can be copied for batch-norm amplification; this net is '{net.Architecture}'.");
        var shape = net.InputShape;
        var copy = ModelZoo.Create(net.Architecture, shape[0], shape[1], shape[2], net.ClassCount, Normalization.Identity(shape[0]));
        try
        {
            using var noGrad = no_grad();
            var source = net.state_dict();
            foreach (var (name, tensor) in copy.state_dict())
            {
                if (!source.TryGetValue(name, out var value))
                    throw new InvalidOperationException($"{net.Architecture}: the copy has a tensor '{name}' that the original lacks.");
                tensor.copy_(value);
            }
            var copied = Layers(copy);
            using var scale = factor.ToScalar();
            foreach (int layer in layers.Distinct())
            {
                copied[layer].weight?.mul_(scale);
                copied[layer].bias?.mul_(scale);
            }
            copy.eval();
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }
}
