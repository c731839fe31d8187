using TorchSharp;

namespace Fire.Models;

/// <summary>
/// Scalars held for the whole process. TorchSharp 0.107 turns the alpha of <c>a + b</c> and <c>a - b</c>, and every
/// number in <c>x * 0.5</c> or <c>clamp(0, 1)</c>, into a temporary <see cref="Scalar"/> that nothing holds during the
/// native call, so a finalizer can free it mid-call (upstream: dotnet/TorchSharp pull requests 1434 and 1496);
/// runs here died of it with "Expected false to be true" in toFloat. Code on hot paths passes these instead.
/// </summary>
public static class HeldScalars
{
    public static readonly Scalar Zero = 0.ToScalar();
    public static readonly Scalar One = 1.ToScalar();
    /// <summary>a.add(b, MinusOne) is a - b, as libtorch computes it.</summary>
    public static readonly Scalar MinusOne = (-1).ToScalar();
}
