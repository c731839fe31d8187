using TorchSharp;
using static TorchSharp.torch;

namespace Fire.Attacks;

/// <summary>
/// A backdoor trigger: turns clean images in [0, 1], (N, C, H, W), into triggered ones of the same shape.
/// Deterministic for a given batch, so paired estimation and evaluation can rebuild T(x) exactly.
/// </summary>
public interface ITrigger
{
    string Name { get; }
    Tensor Apply(Tensor images);
}
