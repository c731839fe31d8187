namespace Fire.Data.Imaging;

/// <summary>
/// Refuses JPEG and PNG files that end early. Decoders fill what is missing (grey rows) and report success, so a half
/// copied file would be classified as if it were whole. A JPEG must hold its end-of-image marker (FF D9) after its first
/// scan (FF DA: inside scan data, FF is always followed by 00 or a restart code, so FF D9 there is the real end); a PNG
/// must hold its IEND chunk.
/// </summary>
internal static class ImageCompleteness
{
    public static void Check(byte[] data, string name)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            int scan = IndexOf(data, [0xFF, 0xDA], 2);
            if (scan < 0 || IndexOf(data, [0xFF, 0xD9], scan + 2) < 0)
                throw new InvalidDataException($"{name}: the JPEG image is truncated (no end-of-image marker after its image data); it was cut off while copying or writing. Replace it with a complete copy.");
        }
        else if (data.Length >= 8 && data.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }))
        {
            if (IndexOf(data, "IEND"u8.ToArray(), 8) < 0)
                throw new InvalidDataException($"{name}: the PNG image is truncated (no IEND chunk); it was cut off while copying or writing. Replace it with a complete copy.");
        }
    }

    static int IndexOf(byte[] data, byte[] pattern, int from)
    {
        int found = data.AsSpan(from).IndexOf(pattern);
        return found < 0 ? -1 : from + found;
    }
}
