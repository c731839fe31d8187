using Fire.Data;
using Fire.Models.Layers;

namespace Fire.Defenses.LatentRepair;

/// <summary>Images of an <see cref="ImageDataset"/> (bytes) as a <see cref="FloatBatch"/> in [0, 1], the form models and the guard take.</summary>
public static class ImageBatches
{
    public static FloatBatch From(ImageDataset data, IReadOnlyList<int>? indices = null)
    {
        int count = indices?.Count ?? data.Count, size = data.SampleSize;
        var values = new float[count * size];
        for (int i = 0; i < count; i++)
        {
            var image = data.Image(indices is null ? i : indices[i]);
            var target = values.AsSpan(i * size, size);
            for (int j = 0; j < size; j++) target[j] = image[j] / 255f;
        }
        return new FloatBatch(values, [count, data.Channels, data.Height, data.Width]);
    }
}
