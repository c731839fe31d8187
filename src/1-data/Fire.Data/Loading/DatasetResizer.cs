using Fire.Data.Imaging;

namespace Fire.Data.Loading;

/// <summary>Resizes a whole data set of fixed-size images (CIFAR-10 binary, IDX) when an image size is asked for.</summary>
internal static class DatasetResizer
{
    public static ImageDataset Resize(ImageDataset data, int? size)
    {
        if (size is not { } side || (side == data.Height && side == data.Width)) return data;
        var pixels = ImageAssembler.Assemble(data.Count,
            i => new PlanarImage(data.Image(i).ToArray(), data.Channels, data.Height, data.Width), data.Channels, side, side);
        return new ImageDataset(data.Name, pixels, data.Labels, data.ClassNames, data.Channels, side, side);
    }
}
