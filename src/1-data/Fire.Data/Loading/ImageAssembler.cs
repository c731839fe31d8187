using Fire.Data.Imaging;

namespace Fire.Data.Loading;

/// <summary>Packs decoded images of any size into one (N, C, H, W) byte array, resizing and converting channels
/// where needed, in parallel.</summary>
internal static class ImageAssembler
{
    /// <param name="image">Image i, already cropped if wanted; called once per index, from several threads.</param>
    public static byte[] Assemble(int count, Func<int, PlanarImage> image, int channels, int height, int width)
    {
        int sampleSize = channels * height * width;
        var pixels = new byte[(long)count * sampleSize];
        Parallel.For(0, count, i =>
        {
            var sample = ImageResizer.Resize(image(i).WithChannels(channels), height, width);
            sample.Pixels.CopyTo(pixels.AsSpan(i * sampleSize, sampleSize));
        });
        return pixels;
    }

    /// <summary>1 when every image is grey, else 3.</summary>
    public static int ChannelsFor(IEnumerable<PlanarImage> images) => images.Any(i => i.Channels == 3) ? 3 : 1;
}
