using Fire.Data.Imaging;
using StbImageWriteSharp;

namespace Fire.Attacks.Images;

/// <summary>
/// Trigger pictures: read from any image file a user names (resized and converted to the data set's channels),
/// and embedded in an attack specification as base64 PNG so that the exact bytes travel with a checkpoint.
/// </summary>
public static class TriggerImages
{
    /// <summary>
    /// Reads <paramref name="path"/> with <paramref name="channels"/> channels, resized (Pillow-style antialiased
    /// bilinear) to <paramref name="height"/> x <paramref name="width"/> when given. Errors name the file and the
    /// option it came from.
    /// </summary>
    public static PlanarImage Read(string path, string option, int channels, int? height = null, int? width = null)
    {
        PlanarImage image;
        try
        {
            image = ImageDecoder.Load(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{option}: cannot read trigger image '{path}': {e.Message}", e);
        }
        image = image.WithChannels(channels);
        return height is int h && width is int w ? ImageResizer.Resize(image, h, w) : image;
    }

    public static string ToPngBase64(PlanarImage image)
    {
        int plane = image.Height * image.Width;
        var interleaved = new byte[image.Pixels.Length];
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < image.Channels; c++)
                interleaved[i * image.Channels + c] = image.Pixels[c * plane + i];
        using var stream = new MemoryStream();
        new ImageWriter().WritePng(interleaved, image.Width, image.Height,
            image.Channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue, stream);
        return Convert.ToBase64String(stream.ToArray());
    }

    /// <summary>Decodes an embedded PNG and checks it has the channels (and size, when given) the specification says.</summary>
    public static PlanarImage FromPngBase64(string base64, string what, int channels, int? height = null, int? width = null)
    {
        byte[] png;
        try
        {
            png = Convert.FromBase64String(base64);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"The embedded {what} is not base64 text: {e.Message}", e);
        }
        var image = ImageDecoder.Decode(png, $"embedded {what}");
        if (image.Channels != channels || image.Height != (height ?? image.Height) || image.Width != (width ?? image.Width))
            throw new InvalidDataException(
                $"The embedded {what} is {image.Channels}x{image.Height}x{image.Width}; the specification says {channels}x{height ?? image.Height}x{width ?? image.Width}.");
        return image;
    }
}
