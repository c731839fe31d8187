namespace Fire.Defenses.Baselines;

/// <summary>
/// Gaussian blur as an input transform: a generic low-pass purification that smooths away high-frequency triggers
/// (small patches, fine noise) at some cost in clean accuracy. No single paper fixes its parameters; backdoor studies
/// of input transformations (e.g. Qiu et al., "DeepSweep", AsiaCCS 2021) use small kernels. Defaults (ours): kernel 5,
/// sigma 1.0.
/// The kernel and padding follow torchvision's gaussian_blur: weights exp(-x^2 / (2 sigma^2)) for
/// x = -(k-1)/2 .. (k-1)/2, normalised to sum 1, applied separably (rows, then columns) with reflect padding
/// (mirror without repeating the edge pixel), so a constant image stays constant and no dark border appears.
/// </summary>
public sealed class GaussianBlurDefense : InputTransformDefense
{
    public const string DefenseName = "blur";
    public const int DefaultKernelSize = 5;
    public const double DefaultSigma = 1.0;

    private readonly float[] _kernel;

    public GaussianBlurDefense(int kernelSize = DefaultKernelSize, double sigma = DefaultSigma)
    {
        _kernel = Kernel1D(kernelSize, sigma);
        KernelSize = kernelSize;
        Sigma = sigma;
    }

    public int KernelSize { get; }
    public double Sigma { get; }
    public override string Name => DefenseName;

    /// <summary>The normalised 1-D Gaussian kernel of odd <paramref name="size"/>.</summary>
    public static float[] Kernel1D(int size, double sigma)
    {
        if (size < 1 || size % 2 == 0) throw new ArgumentOutOfRangeException(nameof(size), $"The blur kernel size must be odd and positive, got {size}.");
        if (!(sigma > 0)) throw new ArgumentOutOfRangeException(nameof(sigma), $"The blur sigma must be positive, got {sigma}.");
        int radius = size / 2;
        var weights = Enumerable.Range(-radius, size).Select(x => Math.Exp(-x * x / (2 * sigma * sigma))).ToArray();
        double sum = weights.Sum();
        return weights.Select(w => (float)(w / sum)).ToArray();
    }

    protected override void CheckImageShape(int[] chw)
    {
        int radius = KernelSize / 2;
        if (chw.Length != 3 || chw[1] <= radius || chw[2] <= radius)
            throw new ArgumentException($"Reflect padding for a {KernelSize}-pixel kernel needs images larger than {radius}x{radius}; got shape ({string.Join(", ", chw)}).");
    }

    protected override void TransformImage(ReadOnlySpan<float> image, Span<float> output, int channels, int height, int width, Random random)
    {
        int plane = height * width;
        var rows = new float[plane];
        for (int c = 0; c < channels; c++)
        {
            var source = image.Slice(c * plane, plane);
            var target = output.Slice(c * plane, plane);
            Convolve(source, rows, height, width, alongRows: true);
            Convolve(rows, target, height, width, alongRows: false);
        }
    }

    private void Convolve(ReadOnlySpan<float> source, Span<float> target, int height, int width, bool alongRows)
    {
        int radius = _kernel.Length / 2;
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            float sum = 0;
            for (int k = -radius; k <= radius; k++)
            {
                int sy = alongRows ? y : Reflect(y + k, height);
                int sx = alongRows ? Reflect(x + k, width) : x;
                sum += _kernel[k + radius] * source[sy * width + sx];
            }
            target[y * width + x] = sum;
        }
    }

    private static int Reflect(int index, int size) => index < 0 ? -index : index >= size ? 2 * (size - 1) - index : index;
}
