namespace Fire.Data;

/// <summary>Images held as bytes (a data set, loose image files) as a <see cref="FloatBatch"/> in [0, 1], the form models and the guard take.</summary>
public static class ImageBatches
{
    public static FloatBatch From(ImageDataset data, IReadOnlyList<int>? indices = null) =>
        From(data.Pixels, data.Count, data.Channels, data.Height, data.Width, indices);

    public static FloatBatch From(ImageFileSet images) =>
        From(images.Pixels, images.Count, images.Channels, images.Height, images.Width, indices: null);

    private static FloatBatch From(byte[] pixels, int available, int channels, int height, int width, IReadOnlyList<int>? indices)
    {
        int count = indices?.Count ?? available, size = channels * height * width;
        var values = new float[count * size];
        for (int i = 0; i < count; i++)
        {
            var image = pixels.AsSpan((indices is null ? i : indices[i]) * size, size);
            PixelBytes.ToFloats(image, values.AsSpan(i * size, size));
        }
        return new FloatBatch(values, [count, channels, height, width]);
    }
}
