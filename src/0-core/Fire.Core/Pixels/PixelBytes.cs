namespace Fire.Core;

/// <summary>Conversions between image bytes (0..255) and floats in [0, 1].</summary>
public static class PixelBytes
{
    /// <summary>
    /// Slack for float32 rounding: 100/255 * 255 can land at 99.99999, which a plain truncation would turn into 99.
    /// </summary>
    private const float Tolerance = 1e-4f;

    /// <summary>
    /// Back to bytes as BackdoorBench stores poisoned images: clip to [0, 255] and truncate (numpy's
    /// <c>np.clip(x, 0, 255).astype(np.uint8)</c>), with a 1e-4 tolerance so exact integers survive float rounding.
    /// </summary>
    public static byte Quantize(float value) => (byte)Math.Clamp(MathF.Floor(value * 255f + Tolerance), 0f, 255f);

    public static byte[] Quantize(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length];
        for (int i = 0; i < values.Length; i++) bytes[i] = Quantize(values[i]);
        return bytes;
    }

    public static float[] ToFloats(ReadOnlySpan<byte> bytes)
    {
        var values = new float[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) values[i] = bytes[i] / 255f;
        return values;
    }
}
