using Fire.Attacks;
using Fire.Defenses.Baselines;
using Fire.Engines.Torch;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Fire.Evaluation.Probes;

/// <summary>
/// The benign transforms of <c>fire attack probe</c>, in a fixed order: a mild and a strong blur, the half-pixel
/// softening of any resampling, a small rotation, sensor-like noise, and the JPEG and ShrinkPad baselines at their
/// defaults. Random ones (noise, ShrinkPad's offset) are seeded, so a probe repeats exactly.
/// </summary>
public static class BenignTransforms
{
    public const string None = "none";
    public const double RotationDegrees = 5;
    public const float NoiseStd = 8f / 255;

    public static IReadOnlyList<BenignTransform> Standard(int seed = 0) =>
    [
        new(None, "the test image as it is", images => images),
        new("blur-3", "Gaussian blur, kernel 3, sigma 0.5: a slightly soft photograph", images => new GaussianBlurDefense(3, 0.5).Transform(images)),
        new("blur-5", "Gaussian blur, kernel 5, sigma 1 (the blur baseline's default)", images => new GaussianBlurDefense().Transform(images)),
        new("shift", "bilinear shift by half a pixel right and down (edges repeated): the softening any resampling brings", ShiftHalfPixel),
        new("rotate", $"bilinear rotation by {RotationDegrees} degrees clockwise (zeros outside)", images => Rotate(images, RotationDegrees)),
        new("noise", "Gaussian pixel noise, sigma 8/255, clipped to [0, 1]", images => AddNoise(images, NoiseStd, seed)),
        new("jpeg", $"JPEG at quality {JpegDefense.DefaultQuality} (the jpeg baseline's default)", images => new JpegDefense().Transform(images)),
        new("shrinkpad", $"shrink by {ShrinkPad.DefaultPad} pixels, zero-pad at a random offset (the shrinkpad baseline's default)", images => new ShrinkPad().Transform(images, seed)),
    ];

    /// <summary>The named transforms of <see cref="Standard"/>, in the order given; an unknown name is an error that lists the known ones.</summary>
    public static IReadOnlyList<BenignTransform> Select(IEnumerable<string> names, int seed = 0)
    {
        var all = Standard(seed);
        return names.Select(name => all.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown transform '{name}'. Known: {string.Join(", ", all.Select(t => t.Name))}.")).ToArray();
    }

    /// <summary>Each output pixel is the input sampled bilinearly half a pixel up and left of it: the mean of a 2x2 neighbourhood, edges repeated.</summary>
    public static FloatBatch ShiftHalfPixel(FloatBatch images) => OnTensor(images, x =>
    {
        long h = x.shape[2], w = x.shape[3];
        // affine_grid maps output to input positions, 2 units spanning the image: half a pixel is 1 / size.
        var theta = tensor(new[] { 1f, 0f, -1f / w, 0f, 1f, -1f / h }).reshape(1, 2, 3).expand(x.shape[0], 2, 3);
        var grid = F.affine_grid(theta, x.shape, align_corners: false);
        return F.grid_sample(x, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false);
    });

    public static FloatBatch Rotate(FloatBatch images, double degrees) =>
        OnTensor(images, x => RandomRotation.Rotate(x, ones(x.shape[0]).Times(degrees)));

    /// <summary>Adds N(0, std^2) to every pixel from a generator seeded by <paramref name="seed"/>, then clips to [0, 1].</summary>
    public static FloatBatch AddNoise(FloatBatch images, float std, int seed)
    {
        if (!(std >= 0) || !float.IsFinite(std)) throw new ArgumentException($"The noise standard deviation must be 0 or more, got {std}.");
        using var generator = new Generator((ulong)(uint)seed);
        return OnTensor(images, x => x.Plus(randn(x.shape, generator: generator).Times(std)).Clamped(0, 1));
    }

    private static FloatBatch OnTensor(FloatBatch images, Func<Tensor, Tensor> transform)
    {
        if (images.Shape.Length != 4)
            throw new ArgumentException($"Transforms take (N, C, H, W) images; got [{string.Join(", ", images.Shape)}].");
        if (images.Count == 0) return images.Clone();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return TorchLayeredModel.ToBatch(transform(TorchLayeredModel.ToTensor(images)));
    }
}
