using StbImageSharp;

namespace Fire.Data.Imaging;

/// <summary>Decodes image files (JPEG, PNG, BMP, GIF, TGA via StbImageSharp; PPM/PGM via <see cref="PnmDecoder"/>)
/// into planar images: grey stays 1 channel, colour becomes 3 (an alpha channel is dropped).</summary>
public static class ImageDecoder
{
    static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tga", ".ppm", ".pgm", ".pnm"];

    /// <summary>True when the file name has an extension this decoder reads.</summary>
    public static bool IsImageFile(string path) =>
        Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <param name="name">The file name used in error messages.</param>
    /// <exception cref="InvalidDataException">The bytes are not a decodable image.</exception>
    public static PlanarImage Decode(byte[] data, string name)
    {
        if (PnmDecoder.IsPnm(data)) return PnmDecoder.Decode(data, name);
        ImageCompleteness.Check(data, name); // a truncated JPEG or PNG decodes to grey rows: never classify half an image
        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(data, ColorComponents.Default);
        }
        catch (Exception e) when (e is not OutOfMemoryException) // StbImageSharp throws plain exceptions of several kinds
        {
            throw new InvalidDataException($"{name}: cannot decode image ({Printable(e.Message)}). Check that the file is a complete JPEG, PNG, BMP, GIF, TGA or PPM image.", e);
        }
        return ToPlanar(image);
    }

    /// <summary>Reads and decodes one image file.</summary>
    public static PlanarImage Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Image file not found: {path}", path);
        return Decode(InputFile.ReadAllBytes(path), path);
    }

    // StbImageSharp's reasons can hold raw bytes of the file; show them as text.
    static string Printable(string message) =>
        new(message.Select(c => char.IsControl(c) || c > '~' ? '?' : c).ToArray());

    static PlanarImage ToPlanar(ImageResult image)
    {
        int sourceChannels = (int)image.Comp;
        int channels = sourceChannels <= 2 ? 1 : 3;
        int plane = image.Width * image.Height;
        var pixels = new byte[channels * plane];
        var source = image.Data;
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < channels; c++)
                pixels[c * plane + i] = source[i * sourceChannels + c];
        return new PlanarImage(pixels, channels, image.Height, image.Width);
    }
}
