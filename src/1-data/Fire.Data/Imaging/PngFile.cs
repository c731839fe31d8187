using StbImageWriteSharp;

namespace Fire.Data.Imaging;

/// <summary>Writes PNG files: the folder is created and the file replaced atomically, so a reader never sees half of one.</summary>
internal static class PngFile
{
    /// <summary>Writes interleaved (H, W, C) bytes; 1 channel as grey, 3 as RGB.</summary>
    public static void Write(string path, byte[] pixels, int width, int height, int channels)
    {
        var components = channels switch
        {
            1 => ColorComponents.Grey,
            3 => ColorComponents.RedGreenBlue,
            _ => throw new ArgumentException($"{path}: images with {channels} channels cannot be written as PNG; 1 or 3 needed."),
        };
        AtomicFile.Write(path, stream => new ImageWriter().WritePng(pixels, width, height, components, stream));
    }
}
