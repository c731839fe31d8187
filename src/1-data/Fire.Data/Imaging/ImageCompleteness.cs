namespace Fire.Data.Imaging;

/// <summary>
/// Refuses image files that end early. Decoders fill what is missing (grey or black rows) and report success, so a half
/// copied file would be classified as if it were whole. A JPEG must hold its end-of-image marker (FF D9) after its first
/// scan (FF DA: inside scan data, FF is always followed by 00 or a restart code, so FF D9 there is the real end); a PNG
/// must hold its whole IEND chunk; a BMP must hold the file size its header declares and, uncompressed, every pixel row; a
/// GIF's blocks must run whole to its trailer (3B); a TGA (no magic number: recognised by its header) must hold every
/// pixel, counted through its run-length packets when compressed.
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
            int end = IndexOf(data, "IEND"u8.ToArray(), 8);
            if (end < 0 || end + 8 > data.Length) // the chunk's type, then its 4-byte CRC
                throw new InvalidDataException($"{name}: the PNG image is truncated (no complete IEND chunk); it was cut off while copying or writing. Replace it with a complete copy.");
        }
        else if (data.Length >= 2 && data[0] == 'B' && data[1] == 'M') CheckBmp(data, name);
        else if (data.Length >= 6 && (data.AsSpan(0, 6).SequenceEqual("GIF87a"u8) || data.AsSpan(0, 6).SequenceEqual("GIF89a"u8))) CheckGif(data, name);
        else if (LooksLikeTga(data)) CheckTga(data, name);
    }

    static InvalidDataException Truncated(string name, string format, string what) =>
        new($"{name}: the {format} image is truncated ({what}); it was cut off while copying or writing. Replace it with a complete copy.");

    static void CheckBmp(byte[] data, string name)
    {
        const int FileHeader = 14;
        if (data.Length < FileHeader + 4) throw Truncated(name, "BMP", "its header is incomplete");
        long declared = BitConverter.ToUInt32(data, 2), pixelsAt = BitConverter.ToUInt32(data, 10), infoSize = BitConverter.ToUInt32(data, 14);
        if (data.Length < FileHeader + infoSize) throw Truncated(name, "BMP", "its header is incomplete");
        if (declared != 0 && data.Length < declared) throw Truncated(name, "BMP", $"{data.Length} of the {declared} bytes its header declares");
        long width, height, bits, compression = 0;
        if (infoSize == 12) (width, height, bits) = (BitConverter.ToUInt16(data, 18), BitConverter.ToUInt16(data, 20), BitConverter.ToUInt16(data, 24));
        else if (infoSize >= 40)
            (width, height, bits, compression) = (BitConverter.ToInt32(data, 18), Math.Abs((long)BitConverter.ToInt32(data, 22)), BitConverter.ToUInt16(data, 28), BitConverter.ToUInt32(data, 30));
        else return; // an unknown header: the decoder judges it
        if (compression is not (0 or 3 or 6) || width <= 0 || bits == 0) return; // run-length data has no fixed size: the declared size covers it
        long rowBytes = (width * bits + 31) / 32 * 4;
        long needed = pixelsAt + rowBytes * height;
        if (data.Length < needed) throw Truncated(name, "BMP", $"{data.Length} bytes, but its {width}x{height} pixels end at byte {needed}");
    }

    static void CheckGif(byte[] data, string name)
    {
        int position = 13;
        if (data.Length < position) throw Truncated(name, "GIF", "its header is incomplete");
        if ((data[10] & 0x80) != 0) position += 3 << ((data[10] & 7) + 1); // global colour table
        while (true)
        {
            if (position >= data.Length) throw Truncated(name, "GIF", "it ends before its trailer");
            switch (data[position++])
            {
                case 0x3B: return; // trailer
                case 0x21: // extension: a label, then data sub-blocks
                    position++;
                    break;
                case 0x2C: // image: a descriptor, a local colour table, the LZW code size, then data sub-blocks
                    if (position + 9 > data.Length) throw Truncated(name, "GIF", "it ends inside an image descriptor");
                    int flags = data[position + 8];
                    position += 9 + ((flags & 0x80) != 0 ? 3 << ((flags & 7) + 1) : 0) + 1;
                    break;
                default:
                    throw new InvalidDataException($"{name}: the GIF image is damaged (an unknown block 0x{data[position - 1]:X2} at byte {position - 1}). Replace it with a complete copy.");
            }
            while (true) // data sub-blocks, ended by an empty one
            {
                if (position >= data.Length) throw Truncated(name, "GIF", "it ends inside a block");
                int size = data[position++];
                if (size == 0) break;
                position += size;
            }
        }
    }

    // A TGA header: no colour map or a colour map of type 1, an image type the decoder reads, a pixel size it reads.
    static bool LooksLikeTga(byte[] data) =>
        data.Length >= 3 && data[1] <= 1 && data[2] is 1 or 2 or 3 or 9 or 10 or 11 &&
        (data.Length < 18 || data[16] is 8 or 15 or 16 or 24 or 32);

    static void CheckTga(byte[] data, string name)
    {
        const int Header = 18;
        if (data.Length < Header) throw Truncated(name, "TGA", "its header is incomplete");
        int mapEntries = data[1] == 1 ? BitConverter.ToUInt16(data, 5) : 0, mapBits = data[7];
        long width = BitConverter.ToUInt16(data, 12), height = BitConverter.ToUInt16(data, 14), pixelBytes = (data[16] + 7) / 8;
        long position = Header + data[0] + (long)mapEntries * ((mapBits + 7) / 8), pixels = width * height;
        if (data[2] < 9) position += pixels * pixelBytes;
        else
            for (long done = 0; done < pixels; ) // run-length packets: a header byte, then one pixel repeated or raw pixels
            {
                if (position >= data.Length) throw Truncated(name, "TGA", $"its pixel data ends after {done} of {pixels} pixels");
                int packet = data[position++];
                long count = (packet & 0x7F) + 1;
                position += (packet & 0x80) != 0 ? pixelBytes : count * pixelBytes;
                done += count;
            }
        if (data.Length < position) throw Truncated(name, "TGA", $"{data.Length} bytes, but its {width}x{height} pixels end at byte {position}");
    }

    static int IndexOf(byte[] data, byte[] pattern, int from)
    {
        int found = data.AsSpan(from).IndexOf(pattern);
        return found < 0 ? -1 : from + found;
    }
}
