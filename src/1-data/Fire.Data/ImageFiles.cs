using Fire.Data.Imaging;
using Fire.Data.Loading;

namespace Fire.Data;

/// <summary>
/// Unlabelled images as a model takes them, e.g. the samples a user flagged as poisoned or the inputs to classify:
/// (N, C, H, W) bytes in the order of <see cref="Files"/> (how messages name each image: its path, or "entry in archive");
/// <see cref="Names"/> are the same images' paths inside the folder or archive they came from (a single file: its name).
/// <see cref="Resized"/> counts the images that had another size.
/// </summary>
public sealed record ImageFileSet(IReadOnlyList<string> Files, IReadOnlyList<string> Names, byte[] Pixels, int Channels, int Height, int Width, int Resized)
{
    public int Count => Files.Count;
    public int SampleSize => Channels * Height * Width;
}

/// <summary>Reads loose image files given as files, folders (every image inside, at any depth) or archives.</summary>
public static class ImageFiles
{
    /// <summary>
    /// Decodes every image of <paramref name="sources"/> into the shape a model takes: colour and grey are converted
    /// (as the data set loaders do) and other sizes resized. Files come in the order given, a folder's or archive's
    /// images sorted by path.
    /// </summary>
    /// <exception cref="FileNotFoundException">A source does not exist.</exception>
    /// <exception cref="InvalidDataException">A source holds no image, or an image cannot be decoded (the message names it).</exception>
    public static ImageFileSet Load(IReadOnlyList<string> sources, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0) throw new ArgumentException("No image files or folders were given.", nameof(sources));
        if (channels is not (1 or 3) || height <= 0 || width <= 0)
            throw new ArgumentException($"Image shape {channels}x{height}x{width}: channels must be 1 or 3, the sides positive.");
        var images = new List<(string File, string Name, PlanarImage Image)>();
        foreach (string source in sources) images.AddRange(Read(source));
        int resized = images.Count(i => i.Image.Height != height || i.Image.Width != width);
        var pixels = ImageAssembler.Assemble(images.Count, i => images[i].Image, channels, height, width);
        return new ImageFileSet(images.Select(i => i.File).ToArray(), images.Select(i => i.Name).ToArray(), pixels, channels, height, width, resized);
    }

    /// <summary>
    /// Writes one image, (C, H, W) floats in [0, 1] (clamped; rounded to bytes), as a PNG file: grey for 1 channel, RGB for 3.
    /// The folder is created; the file is replaced atomically.
    /// </summary>
    public static void SavePng(string path, ReadOnlySpan<float> image, int channels, int height, int width)
    {
        if (height <= 0 || width <= 0 || image.Length != channels * height * width)
            throw new ArgumentException($"{path}: {image.Length} values are not one image of {channels}x{height}x{width}.");
        int plane = height * width;
        var pixels = new byte[image.Length];
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < plane; i++)
                pixels[i * channels + c] = PixelBytes.Quantize(image[c * plane + i]);
        PngFile.Write(path, pixels, width, height, channels);
    }

    static IEnumerable<(string File, string Name, PlanarImage Image)> Read(string source)
    {
        if (File.Exists(source) && !EntryReader.IsArchive(source))
        {
            if (!ImageDecoder.IsImageFile(source))
                throw new InvalidDataException($"{source}: not an image file (JPEG, PNG, BMP, GIF, TGA, PPM, PGM) nor a folder or archive of them.");
            return [(source, Path.GetFileName(source), ImageDecoder.Load(source))];
        }
        if (!File.Exists(source) && !Directory.Exists(source)) throw new FileNotFoundException($"Not found: {source}", source);
        var decoded = DecodedImages.Read(source, source, _ => false, progress: null);
        if (decoded.Images.IsEmpty) throw new InvalidDataException($"{source}: no image files (JPEG, PNG, BMP, GIF, TGA, PPM, PGM) found.");
        return decoded.Images.Keys.Order(StringComparer.Ordinal).Select(path => (decoded.Displays[path], path, decoded.Images[path]));
    }
}
