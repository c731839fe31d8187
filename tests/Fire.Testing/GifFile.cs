namespace Fire.Testing;

/// <summary>
/// Writes a grey GIF89a (a 256-entry grey colour table) for the tests: no library here writes GIF. The LZW stream sends
/// every pixel as a literal 9-bit code and clears the table often enough that codes stay 9 bits wide.
/// </summary>
public static class GifFile
{
    public static byte[] Grey(byte[] pixels, int height, int width)
    {
        if (pixels.Length != height * width) throw new ArgumentException($"{pixels.Length} pixels do not fill {height}x{width}.", nameof(pixels));
        var file = new List<byte>("GIF89a"u8.ToArray());
        file.AddRange([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0xF7, 0, 0]);
        for (int i = 0; i < 256; i++) file.AddRange([(byte)i, (byte)i, (byte)i]);
        file.AddRange([0x2C, 0, 0, 0, 0, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0, 8]);
        var codes = new List<int>();
        for (int i = 0; i < pixels.Length; i++)
        {
            if (i % 200 == 0) codes.Add(256); // clear: the table never grows past 9-bit codes
            codes.Add(pixels[i]);
        }
        codes.Add(257); // end of information
        var packed = new List<byte>();
        int bits = 0, count = 0;
        foreach (int code in codes)
        {
            bits |= code << count;
            for (count += 9; count >= 8; count -= 8, bits >>= 8) packed.Add((byte)bits);
        }
        if (count > 0) packed.Add((byte)bits);
        foreach (var block in packed.Chunk(255)) file.AddRange([(byte)block.Length, .. block]);
        file.AddRange([0, 0x3B]); // the empty block that ends the image data, then the trailer
        return [.. file];
    }
}
