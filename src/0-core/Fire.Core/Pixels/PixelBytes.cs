namespace Fire.Core;

/// <summary>
/// The one conversion between image bytes (0..255) and floats in [0, 1], both ways, used wherever an image changes
/// representation: decoding files and data sets, poisoning training images, writing PNGs, the JPEG defense.
/// Bytes to floats divide by 255. Floats to bytes follow BackdoorBench, which saves poisoned images with
/// <c>np.clip(x, 0, 255).astype(np.uint8)</c>: clip and truncate, so images Fire writes hold the bytes a model was
/// trained on. (Resampling inside <c>ImageResizer</c> rounds its interpolated byte values; that is interpolation, not
/// this conversion.)
/// </summary>
public static class PixelBytes
{
    /// <summary>
    /// Slack for float32 rounding: 100/255 * 255 can land at 99.99999, which a plain truncation would turn into 99.
    /// </summary>
    private const float Tolerance = 1e-4f;

    /// <summary>Every byte's float value, for loops that convert many pixels.</summary>
    public static readonly float[] Values = Enumerable.Range(0, 256).Select(b => b / 255f).ToArray();

    public static float ToFloat(byte value) => Values[value];

    /// <summary>Clip to [0, 255] and truncate, with a 1e-4 tolerance so exact levels survive float rounding; NaN gives 0.</summary>
    public static byte Quantize(float value) =>
        float.IsNaN(value) ? (byte)0 : (byte)Math.Clamp(MathF.Floor(value * 255f + Tolerance), 0f, 255f);

    public static byte[] Quantize(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length];
        for (int i = 0; i < values.Length; i++) bytes[i] = Quantize(values[i]);
        return bytes;
    }

    public static float[] ToFloats(ReadOnlySpan<byte> bytes)
    {
        var values = new float[bytes.Length];
        ToFloats(bytes, values);
        return values;
    }

    public static void ToFloats(ReadOnlySpan<byte> bytes, Span<float> target)
    {
        if (target.Length < bytes.Length) throw new ArgumentException($"{bytes.Length} bytes do not fit in {target.Length} floats.");
        for (int i = 0; i < bytes.Length; i++) target[i] = Values[bytes[i]];
    }
}
