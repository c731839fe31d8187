using Fire.Data.Imaging;

namespace Fire.Data;

/// <summary>Writes images side by side into one PNG, for a look at a data set, triggers or attack results.</summary>
public static class ImageGrid
{
    const byte Separator = 32; // dark grey lines between and around the images

    /// <summary>
    /// Writes <paramref name="count"/> images, (N, C, H, W) floats in [0, 1] (clamped), <paramref name="columns"/> per row,
    /// each enlarged <paramref name="scale"/> times (nearest neighbour) and framed by 1-pixel dark lines. One channel is
    /// written as a grey PNG, three as RGB. The folder is created; the file is replaced atomically.
    /// </summary>
    public static void Save(string path, float[] images, int count, int channels, int height, int width, int columns, int scale = 2)
    {
        if (channels is not (1 or 3)) throw new ArgumentException($"{path}: images with {channels} channels cannot be written as PNG; 1 or 3 needed.");
        if (count <= 0 || height <= 0 || width <= 0 || columns <= 0 || scale <= 0)
            throw new ArgumentException($"{path}: count {count}, size {height}x{width}, columns {columns} and scale {scale} must be positive.");
        int sampleSize = channels * height * width;
        if (images.Length < (long)count * sampleSize)
            throw new ArgumentException($"{path}: {images.Length} values do not hold {count} images of {channels}x{height}x{width}.");

        int gridColumns = Math.Min(columns, count), gridRows = (count + gridColumns - 1) / gridColumns;
        int cellWidth = width * scale, cellHeight = height * scale;
        int pngWidth = gridColumns * (cellWidth + 1) + 1, pngHeight = gridRows * (cellHeight + 1) + 1;
        var png = new byte[pngWidth * pngHeight * channels];
        Array.Fill(png, Separator);
        for (int n = 0; n < count; n++)
        {
            int left = 1 + n % gridColumns * (cellWidth + 1), top = 1 + n / gridColumns * (cellHeight + 1);
            for (int y = 0; y < cellHeight; y++)
                for (int x = 0; x < cellWidth; x++)
                    for (int c = 0; c < channels; c++)
                    {
                        float value = images[n * sampleSize + (c * height + y / scale) * width + x / scale];
                        png[((top + y) * pngWidth + left + x) * channels + c] = PixelBytes.Quantize(value);
                    }
        }
        PngFile.Write(path, png, pngWidth, pngHeight, channels);
    }

    /// <summary>The images of a data set at <paramref name="indices"/>.</summary>
    public static void Save(string path, ImageDataset data, IReadOnlyList<int> indices, int columns, int scale = 2) =>
        Save(path, BatchLoader.ToFloat(data, indices), indices.Count, data.Channels, data.Height, data.Width, columns, scale);
}
