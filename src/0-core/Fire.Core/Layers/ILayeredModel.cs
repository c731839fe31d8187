namespace Fire.Core;

/// <summary>
/// Engine-neutral access to a classifier as a chain of named layers: list the layers and their activation
/// shapes, read (tap) or replace the activation of any layer, and run the part of the network after a layer.
/// TorchSharp models implement it today; ONNX Runtime models are meant to implement the same contract.
/// Inputs are images in [0, 1], (N, C, H, W): normalisation is part of the model.
/// </summary>
public interface ILayeredModel : IDisposable
{
    /// <summary>Input shape of one sample, (C, H, W).</summary>
    int[] InputShape { get; }
    int ClassCount { get; }
    /// <summary>Layer names in execution order; the last one produces the logits.</summary>
    IReadOnlyList<string> LayerNames { get; }
    /// <summary>Every layer with its activation shape for <see cref="InputShape"/>.</summary>
    IReadOnlyList<LayerInfo> DescribeLayers();
    /// <summary>Logits for <paramref name="input"/>, with optional taps and replacements.</summary>
    FloatBatch Forward(FloatBatch input, LayerAccess? access = null);
    /// <summary>The activation of <paramref name="layer"/> for <paramref name="input"/>.</summary>
    FloatBatch Head(FloatBatch input, string layer);
    /// <summary>Logits from an activation of <paramref name="layer"/>: the rest of the network after it.</summary>
    FloatBatch Tail(FloatBatch activation, string layer);
}
