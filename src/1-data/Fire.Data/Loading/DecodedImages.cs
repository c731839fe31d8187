using System.Collections.Concurrent;
using System.Diagnostics;
using Fire.Data.Imaging;

namespace Fire.Data.Loading;

/// <summary>Decodes every image file of a folder or archive in parallel, keyed by its path inside the source;
/// other files that a loader wants (such as CSV annotations) are kept as bytes.</summary>
internal sealed class DecodedImages
{
    public ConcurrentDictionary<string, PlanarImage> Images { get; } = new(StringComparer.Ordinal);
    /// <summary>How messages name each image (<see cref="FileEntry.Display"/>), by the same key.</summary>
    public ConcurrentDictionary<string, string> Displays { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, FileEntry> OtherFiles { get; } = new(StringComparer.Ordinal);

    /// <param name="keepOther">Which non-image files to keep.</param>
    public static DecodedImages Read(string source, string label, Func<string, bool> keepOther, IProgress<string>? progress)
    {
        progress?.Report($"{label}: decoding the images in {source}");
        var watch = Stopwatch.StartNew();
        var result = new DecodedImages();
        EntryReader.ForEachParallel(source, path => ImageDecoder.IsImageFile(path) || keepOther(path), entry =>
        {
            if (ImageDecoder.IsImageFile(entry.Path))
            {
                result.Images[entry.Path] = ImageDecoder.Decode(entry.Data, entry.Display);
                result.Displays[entry.Path] = entry.Display;
            }
            else
                result.OtherFiles[entry.Path] = entry;
        });
        progress?.Report($"{label}: decoded {result.Images.Count:N0} images in {watch.Elapsed.TotalSeconds:F1} s");
        return result;
    }
}
