using Fire.Engines.Torch;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Fire.Attacks;

/// <summary>
/// WaNet (Nguyen and Tran 2021): a fixed, smooth warp of the image. A k x k field of random offsets is upsampled
/// (bicubic) to the image size and added to the identity sampling grid with strength s; pixels are then resampled
/// bilinearly. As BackdoorBench: noise = U(-1, 1) scaled to mean |noise| = 1, grid =
/// clamp((identity + s * noise / size) * grid_rescale, -1, 1), grid_sample with align_corners = true (so the identity
/// grid hits pixel centres exactly and s = 0 leaves images unchanged).
/// </summary>
public sealed class WaNetTrigger : ImageTrigger
{
    public const string TriggerName = "wanet";

    private readonly Tensor _grid; // (1, H, W, 2): x (column) then y (row), in [-1, 1]

    /// <param name="noise">The k x k offset field, 2 * k * k values (x plane then y plane), as <see cref="SeededNoise"/> makes it.</param>
    public WaNetTrigger(ImageShape shape, int k, double s, double gridRescale, float[] noise) : base(TriggerName, shape)
    {
        int side = Math.Min(shape.Height, shape.Width);
        if (k < 1 || k > side)
            throw new ArgumentException($"--warp-k (the warping field's resolution k) must be between 1 and the image side {side}, got {k}.");
        if (!double.IsFinite(s)) throw new ArgumentException($"--warp-s (the warping strength s) must be a number, got {s}.");
        if (!(gridRescale > 0) || double.IsInfinity(gridRescale)) throw new ArgumentException($"--grid-rescale must be positive, got {gridRescale}.");
        if (noise.Length != 2 * k * k) throw new ArgumentException($"A WaNet noise field for k = {k} has {2 * k * k} values, got {noise.Length}.");
        K = k;
        S = s;
        GridRescale = gridRescale;
        Noise = noise;
        using var scope = NewDisposeScope();
        var field = F.interpolate(tensor(noise, new long[] { 1, 2, k, k }), new long[] { shape.Height, shape.Width },
            mode: InterpolationMode.Bicubic, align_corners: true).permute(0, 2, 3, 1);
        var scale = tensor(new[] { (float)(s / shape.Width), (float)(s / shape.Height) });
        _grid = Keep(IdentityGrid(shape).Plus(field * scale).Times(gridRescale).Clamped(-1, 1).contiguous().MoveToOuterDisposeScope());
    }

    public int K { get; }
    public double S { get; }
    public double GridRescale { get; }
    public float[] Noise { get; }

    /// <summary>The sampling grid (1, H, W, 2).</summary>
    public Tensor Grid => _grid;

    protected override Tensor Transform(Tensor images) => Warp(images, _grid.expand(images.shape[0], -1, -1, -1));

    /// <summary>
    /// WaNet's "noise mode" sample: the backdoor warp plus a fresh random offset per pixel of up to about half a pixel
    /// (U(-1, 1) / size in grid units, where 2 spans the image), so the model learns that only the exact warp means the target.
    /// </summary>
    public Tensor ApplyNoise(Tensor images, Generator generator)
    {
        Shape.Check(images, "The WaNet noise warp");
        using var scope = NewDisposeScope();
        long n = images.shape[0];
        var jitter = rand(new long[] { n, Shape.Height, Shape.Width, 2 }, generator: generator).Times(2).Minus(1)
                     * tensor(new[] { 1f / Shape.Width, 1f / Shape.Height });
        return Warp(images, _grid.Plus(jitter).Clamped(-1, 1)).MoveToOuterDisposeScope();
    }

    /// <summary>The 2 k k offsets of a WaNet field: U(-1, 1) from <paramref name="seed"/>, scaled to mean absolute value 1.</summary>
    public static float[] SeededNoise(int k, int seed)
    {
        if (k < 1) throw new ArgumentException($"--warp-k (the warping field's resolution k) must be at least 1, got {k}.");
        var random = new Random(seed);
        var values = Enumerable.Range(0, 2 * k * k).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        float meanAbs = values.Average(MathF.Abs);
        return values.Select(v => v / meanAbs).ToArray();
    }

    /// <summary>The identity sampling grid (1, H, W, 2) for align_corners = true: x = linspace(-1, 1, W), y = linspace(-1, 1, H).</summary>
    public static Tensor IdentityGrid(ImageShape shape)
    {
        using var scope = NewDisposeScope();
        var x = tensor(Linspace(shape.Width)).reshape(1, shape.Width).expand(shape.Height, shape.Width);
        var y = tensor(Linspace(shape.Height)).reshape(shape.Height, 1).expand(shape.Height, shape.Width);
        return stack(new[] { x, y }, 2).unsqueeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// linspace(-1, 1, n) in float32, each value nudged by at most a few ulps so that grid_sample's own float32
    /// unnormalisation, (g + 1) * (n - 1) / 2, lands on the pixel index itself where float32 allows: a plain
    /// linspace misses by up to 2e-6 pixels, which blurs a sharp image by as much at s = 0.
    /// </summary>
    private static float[] Linspace(int n)
    {
        float scale = (n - 1) / 2f;
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            float best = n == 1 ? -1f : (float)(-1 + 2.0 * i / (n - 1));
            for (float down = best, up = best, k = 0; k < 8; k++)
            {
                if (Miss(best, i, scale) == 0) break;
                down = MathF.BitDecrement(down);
                up = MathF.BitIncrement(up);
                foreach (float candidate in new[] { down, up })
                    if (candidate is >= -1f and <= 1f && Miss(candidate, i, scale) < Miss(best, i, scale)) best = candidate;
            }
            values[i] = best;
        }
        return values;
    }

    private static float Miss(float g, int index, float scale) => MathF.Abs((g + 1f) * scale - index);

    private static Tensor Warp(Tensor images, Tensor grid) =>
        F.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: true);
}
