using Fire.Attacks.Images;
using Fire.Data.Imaging;

namespace Fire.Attacks;

/// <summary>
/// The picture a blend attack mixes in. BackdoorBench uses a cartoon (Hello Kitty) that cannot ship with Fire, so
/// the default is our own: seeded uniform noise, every pixel and channel an independent byte level (the random-noise
/// key of the original Blended paper, Chen et al. 2017). <c>--blend-image</c> takes any image file instead,
/// resized to the data set's images (antialiased bilinear, as Pillow) and converted to its channels.
/// </summary>
public static class BlendPattern
{
    public const string SeededNoise = "seeded-noise";

    /// <param name="file">The --blend-image file, or null for seeded noise from <paramref name="seed"/>.</param>
    public static (PlanarImage Pattern, string Source) Create(string? file, ImageShape shape, int seed)
    {
        if (file is not null)
            return (TriggerImages.Read(file, "--blend-image", shape.Channels, shape.Height, shape.Width), Path.GetFileName(file));
        var pixels = new byte[shape.Size];
        new Random(Seeds.For(seed, Seeds.Pattern)).NextBytes(pixels);
        return (new PlanarImage(pixels, shape.Channels, shape.Height, shape.Width), SeededNoise);
    }

    public static PlanarImage Restore(string png, ImageShape shape) =>
        TriggerImages.FromPngBase64(png, "blend pattern", shape.Channels, shape.Height, shape.Width);
}
