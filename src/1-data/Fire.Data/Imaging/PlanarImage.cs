namespace Fire.Data.Imaging;

/// <summary>One decoded image, channel-first (C, H, W) bytes: 1 channel (grey) or 3 (RGB).</summary>
public sealed record PlanarImage(byte[] Pixels, int Channels, int Height, int Width)
{
    /// <summary>The pixels inside the rectangle [x0, x1) x [y0, y1), clamped to the image (at least one pixel).</summary>
    public PlanarImage Crop(int x0, int y0, int x1, int y1)
    {
        x0 = Math.Clamp(x0, 0, Width - 1);
        y0 = Math.Clamp(y0, 0, Height - 1);
        x1 = Math.Clamp(x1, x0 + 1, Width);
        y1 = Math.Clamp(y1, y0 + 1, Height);
        int width = x1 - x0, height = y1 - y0;
        var pixels = new byte[Channels * height * width];
        for (int c = 0; c < Channels; c++)
            for (int y = 0; y < height; y++)
                Pixels.AsSpan((c * Height + y0 + y) * Width + x0, width)
                    .CopyTo(pixels.AsSpan((c * height + y) * width, width));
        return new PlanarImage(pixels, Channels, height, width);
    }

    /// <summary>The same image with <paramref name="channels"/> channels: grey is repeated into RGB, RGB averaged
    /// into grey with the ITU-R BT.601 luma weights (as PIL's convert("L")).</summary>
    public PlanarImage WithChannels(int channels)
    {
        if (channels == Channels) return this;
        int plane = Height * Width;
        if (Channels == 1 && channels == 3)
        {
            var rgb = new byte[3 * plane];
            for (int c = 0; c < 3; c++) Pixels.AsSpan(0, plane).CopyTo(rgb.AsSpan(c * plane, plane));
            return new PlanarImage(rgb, 3, Height, Width);
        }
        if (Channels == 3 && channels == 1)
        {
            var grey = new byte[plane];
            for (int i = 0; i < plane; i++)
                grey[i] = (byte)((Pixels[i] * 299 + Pixels[plane + i] * 587 + Pixels[2 * plane + i] * 114 + 500) / 1000);
            return new PlanarImage(grey, 1, Height, Width);
        }
        throw new ArgumentException($"Cannot convert a {Channels}-channel image to {channels} channels.");
    }
}
