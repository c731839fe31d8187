using static TorchSharp.torch;

namespace Fire.Engines.Torch;

/// <summary>
/// Tensor arithmetic with <see cref="HeldScalars"/>: each call is the libtorch operation that TorchSharp's operator
/// of the same meaning runs (<c>x + 0.5</c> is <c>add(0.5, alpha 1)</c>, <c>x - 0.5</c> is <c>sub(0.5)</c>), so the
/// results are the operators' own, without the temporary Scalars that can be freed mid-call.
/// Tensor - tensor, * and / take no Scalar in TorchSharp and need no helper; <c>square()</c> does (it is <c>pow(2)</c>).
/// </summary>
public static class HeldArithmetic
{
    /// <summary><c>x + y</c> for two tensors.</summary>
    public static Tensor Plus(this Tensor x, Tensor y) => x.add(y, HeldScalars.One);

    public static Tensor Plus(this Tensor x, double value) => x.add(HeldScalars.Of(value), HeldScalars.One);

    public static Tensor Minus(this Tensor x, double value) => x.sub(HeldScalars.Of(value));

    public static Tensor Times(this Tensor x, double value) => x.mul(HeldScalars.Of(value));

    public static Tensor DividedBy(this Tensor x, double value) => x.div(HeldScalars.Of(value));

    /// <summary><c>x.square()</c>, which TorchSharp runs as <c>pow(2)</c> with a temporary Scalar.</summary>
    public static Tensor Squared(this Tensor x) => x.pow(HeldScalars.Of(2));

    public static Tensor Clamped(this Tensor x, double min, double max) => x.clamp(HeldScalars.Of(min), HeldScalars.Of(max));
}
