using Fire.Engines.Torch;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Fire.Attacks;

/// <summary>
/// Rotates a random share of a batch by a random angle, resampling bilinearly (zeros outside the image). WaNet trains
/// with it after the warp, as the original release does (kornia's RandomRotation(10), bilinear, on half the images of
/// half the batches: a quarter of all training images): clean images then are resampled too, so the blur that any
/// warp brings is less of a cue for the target. Without it, a WaNet model sends many plainly blurred clean images to
/// the target, which costs clean accuracy; with it, on GTSRB, fewer (the cue stays: WaNet's noise mode jitters the
/// warp, so smooth resampling remains the target's signature).
/// </summary>
public sealed class RandomRotation
{
    /// <summary>The share of images rotated: the original release's half of half.</summary>
    public const double DefaultShare = 0.25;

    public RandomRotation(double maxDegrees, double share = DefaultShare)
    {
        if (!(maxDegrees is >= 0 and <= 180))
            throw new ArgumentException($"--post-rotation (degrees) must be in [0, 180] (180 already allows every angle), got {maxDegrees}.");
        if (!(share is >= 0 and <= 1)) throw new ArgumentException($"The rotated share must be in [0, 1], got {share}.");
        MaxDegrees = maxDegrees;
        Share = share;
    }

    public double MaxDegrees { get; }
    public double Share { get; }

    /// <summary>The batch with each image rotated, with probability <see cref="Share"/>, by an angle uniform in ±<see cref="MaxDegrees"/>.</summary>
    public Tensor Apply(Tensor images, Generator generator)
    {
        if (MaxDegrees == 0 || Share == 0) return images;
        using var scope = NewDisposeScope();
        long n = images.shape[0];
        var chosen = rand(n, generator: generator).lt(HeldScalars.Of(Share));
        var degrees = rand(n, generator: generator).Times(2).Minus(1).Times(MaxDegrees);
        var rows = chosen.nonzero().flatten();
        if (rows.shape[0] == 0) return images;
        var result = images.clone();
        result.index_copy_(0, rows, Rotate(images.index_select(0, rows), degrees.index_select(0, rows)));
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Each image of (N, C, H, W) <paramref name="images"/> rotated clockwise on screen (row 0 at the top) by its angle in
    /// <paramref name="degrees"/> (N) about its centre, resampled bilinearly (the rotation is in pixels, so
    /// non-square images keep their proportions).
    /// </summary>
    public static Tensor Rotate(Tensor images, Tensor degrees)
    {
        if (images.dim() != 4) throw new ArgumentException($"Rotation needs (N, C, H, W) images, got shape [{string.Join(", ", images.shape)}].");
        if (degrees.dim() != 1 || degrees.shape[0] != images.shape[0])
            throw new ArgumentException($"Rotation needs one angle per image: {images.shape[0]} images, angles of shape [{string.Join(", ", degrees.shape)}].");
        using var scope = NewDisposeScope();
        long h = images.shape[2], w = images.shape[3];
        var radians = degrees.to_type(ScalarType.Float32).Times(Math.PI / 180);
        var (cos, sin) = (radians.cos(), radians.sin());
        var zero = zeros_like(cos);
        // affine_grid maps output to input positions in [-1, 1] per axis: rotating by the angle in pixels means
        // scaling the cross terms by the aspect ratio.
        var theta = stack(new[] { cos, sin.Times((double)h / w), zero, sin.neg().Times((double)w / h), cos, zero }, 1).reshape(-1, 2, 3);
        var grid = F.affine_grid(theta, images.shape, align_corners: false);
        return F.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false).MoveToOuterDisposeScope();
    }
}
