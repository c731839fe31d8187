namespace Fire.Data.Imaging;

/// <summary>
/// Decodes binary Netpbm images: P6 (PPM, colour, as in GTSRB) and P5 (PGM, grey). StbImageSharp has no PNM support.
/// Header tokens are separated by whitespace and may be interleaved with '#' comments; maxval up to 65535
/// (two big-endian bytes per sample above 255), rescaled to 0..255.
/// </summary>
public static class PnmDecoder
{
    /// <summary>True when the bytes start like a binary PGM or PPM file.</summary>
    public static bool IsPnm(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 'P' && (data[1] == '5' || data[1] == '6');

    /// <param name="name">The file name used in error messages.</param>
    public static PlanarImage Decode(ReadOnlySpan<byte> data, string name)
    {
        if (!IsPnm(data))
            throw Invalid(name, "not a binary PPM/PGM file (expected 'P6' or 'P5').");
        int channels = data[1] == '6' ? 3 : 1;
        int position = 2;
        int width = ReadHeaderNumber(data, ref position, name, "width");
        int height = ReadHeaderNumber(data, ref position, name, "height");
        int maxValue = ReadHeaderNumber(data, ref position, name, "maxval");
        if (width <= 0 || height <= 0)
            throw Invalid(name, $"image size {width}x{height} is not positive.");
        if (maxValue is <= 0 or > 65535)
            throw Invalid(name, $"maxval {maxValue} is outside 1..65535.");
        if (position >= data.Length || !IsWhitespace(data[position]))
            throw Invalid(name, "no whitespace after the header.");
        position++; // exactly one whitespace byte separates the header from the samples

        int bytesPerSample = maxValue > 255 ? 2 : 1;
        long expected = (long)width * height * channels * bytesPerSample;
        if (data.Length - position < expected)
            throw Invalid(name,
                $"{data.Length - position:N0} bytes of pixel data, but {width}x{height}x{channels} samples need {expected:N0}.");

        var samples = data.Slice(position, (int)expected);
        int plane = width * height;
        var pixels = new byte[channels * plane];
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < channels; c++)
            {
                int s = i * channels + c;
                int value = bytesPerSample == 1 ? samples[s] : samples[2 * s] << 8 | samples[2 * s + 1];
                pixels[c * plane + i] = maxValue == 255 ? (byte)value : (byte)Math.Min(255, (value * 255 + maxValue / 2) / maxValue);
            }
        return new PlanarImage(pixels, channels, height, width);
    }

    static int ReadHeaderNumber(ReadOnlySpan<byte> data, ref int position, string name, string field)
    {
        while (position < data.Length)
        {
            if (data[position] == '#')
                while (position < data.Length && data[position] != '\n' && data[position] != '\r') position++;
            else if (IsWhitespace(data[position])) position++;
            else break;
        }
        long value = 0;
        int start = position;
        while (position < data.Length && data[position] >= '0' && data[position] <= '9' && value <= int.MaxValue)
            value = value * 10 + (data[position++] - '0');
        if (position == start || value > int.MaxValue)
            throw Invalid(name, $"header has no valid {field}.");
        return (int)value;
    }

    static InvalidDataException Invalid(string name, string reason) => new($"{name}: cannot decode image: {reason}");

    static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';
}
