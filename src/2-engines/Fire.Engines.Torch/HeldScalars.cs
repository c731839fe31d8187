using System.Collections.Concurrent;
using TorchSharp;

namespace Fire.Engines.Torch;

/// <summary>
/// Scalars held for the whole process. TorchSharp 0.107 turns every number in <c>x * 0.5</c>, <c>x - 1</c> or
/// <c>clamp(0, 1)</c>, and the alpha of <c>a + b</c> between tensors, into a temporary <see cref="Scalar"/> that
/// nothing holds during the native call, so a finalizer can free it mid-call (upstream: dotnet/TorchSharp pull
/// requests 1434 and 1496); runs here died of it with "Expected false to be true" in toFloat. Fire's torch
/// arithmetic passes these instead, mostly through <see cref="HeldArithmetic"/>.
/// </summary>
public static class HeldScalars
{
    private static readonly ConcurrentDictionary<double, Scalar> Constants = new();

    public static readonly Scalar Zero = 0.ToScalar();
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>
    /// A held double Scalar of <paramref name="value"/>, for constants and fixed parameters: each distinct value is
    /// kept for the life of the process, so a value that changes every step (a learning rate) belongs in a Scalar
    /// its caller creates and disposes instead.
    /// </summary>
    public static Scalar Of(double value) => Constants.GetOrAdd(value, v => v.ToScalar());
}
