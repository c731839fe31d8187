using StbImageSharp;
using StbImageWriteSharp;
using ReadComponents = StbImageSharp.ColorComponents;
using WriteComponents = StbImageWriteSharp.ColorComponents;

namespace Fire.Defenses.Baselines;

/// <summary>
/// JPEG compression as an input transform: encode each image at <see cref="Quality"/>, decode it, classify the result
/// (Guo et al., "Countering Adversarial Images using Input Transformations", ICLR 2018, quality 75; the usual
/// JPEG baseline in backdoor benchmarks). Default quality 75, the libjpeg/PIL default. Images are rounded to 8 bits,
/// encoded with stb_image_write (StbImageWriteSharp; baseline JPEG, 4:2:0 chroma subsampling at quality 90 and below) and
/// decoded with stb_image (StbImageSharp). Grey (1 channel) and RGB (3 channel) images are supported.
/// </summary>
public sealed class JpegDefense : InputTransformDefense
{
    public const string DefenseName = "jpeg";
    public const int DefaultQuality = 75;

    public JpegDefense(int quality = DefaultQuality)
    {
        if (quality < 1 || quality > 100) throw new ArgumentOutOfRangeException(nameof(quality), $"JPEG quality must be in [1, 100], got {quality}.");
        Quality = quality;
    }

    public int Quality { get; }
    public override string Name => DefenseName;

    protected override void CheckImageShape(int[] chw)
    {
        if (chw.Length != 3 || (chw[0] != 1 && chw[0] != 3))
            throw new ArgumentException($"JPEG compresses grey or RGB images; got shape ({string.Join(", ", chw)}).");
    }

    protected override void TransformImage(ReadOnlySpan<float> image, Span<float> output, int channels, int height, int width, Random random)
    {
        int plane = height * width;
        var pixels = new byte[plane * channels];
        for (int c = 0; c < channels; c++)
        for (int i = 0; i < plane; i++)
            pixels[i * channels + c] = PixelBytes.Quantize(image[c * plane + i]);

        using var encoded = new MemoryStream();
        new ImageWriter().WriteJpg(pixels, width, height, channels == 1 ? WriteComponents.Grey : WriteComponents.RedGreenBlue, encoded, Quality);
        var decoded = ImageResult.FromMemory(encoded.ToArray(), channels == 1 ? ReadComponents.Grey : ReadComponents.RedGreenBlue);
        if (decoded.Width != width || decoded.Height != height)
            throw new InvalidOperationException($"JPEG round trip changed the image size from {width}x{height} to {decoded.Width}x{decoded.Height}.");

        for (int c = 0; c < channels; c++)
        for (int i = 0; i < plane; i++)
            output[c * plane + i] = PixelBytes.ToFloat(decoded.Data[i * channels + c]);
    }
}
