using Fire.Data.Imaging;
using Fire.Engines.Torch;
using static TorchSharp.torch;

namespace Fire.Attacks;

/// <summary>
/// BadNets: stamps a patch at a fixed place. Where the mask is 1 the patch replaces the pixel, where it is 0 the
/// image shows through, in between they mix: x' = x * (1 - m) + patch * m. This is BackdoorBench's
/// AddMaskPatchTrigger with an explicit mask (its trigger file uses "pixel > 0" as the mask).
/// </summary>
public sealed class BadNetsTrigger : ImageTrigger
{
    public const string TriggerName = "badnets";

    private readonly Tensor _keep;  // (1, 1, H, W): 1 - mask, placed
    private readonly Tensor _stamp; // (1, C, H, W): patch * mask, placed

    /// <param name="patch">The patch, with the data set's channels.</param>
    /// <param name="mask">One channel of the patch's size: 255 = patch, 0 = image.</param>
    /// <param name="top">Row of the patch's top-left pixel.</param>
    /// <param name="left">Column of the patch's top-left pixel.</param>
    public BadNetsTrigger(ImageShape shape, PlanarImage patch, PlanarImage mask, int top, int left) : base(TriggerName, shape)
    {
        CheckPlacement(shape, patch.Height, patch.Width, top, left);
        if (patch.Channels != shape.Channels)
            throw new ArgumentException($"The patch has {patch.Channels} channels; the images have {shape.Channels}.");
        if (mask.Channels != 1 || mask.Height != patch.Height || mask.Width != patch.Width)
            throw new ArgumentException($"The patch mask is {mask.Channels}x{mask.Height}x{mask.Width}; it must be 1x{patch.Height}x{patch.Width}, one channel of the patch's size.");
        Patch = patch;
        Mask = mask;
        Top = top;
        Left = left;

        var keep = Enumerable.Repeat(1f, shape.Plane).ToArray();
        var stamp = new float[shape.Size];
        for (int y = 0; y < patch.Height; y++)
            for (int x = 0; x < patch.Width; x++)
            {
                float m = PixelBytes.ToFloat(mask.Pixels[y * patch.Width + x]);
                int at = (top + y) * shape.Width + left + x;
                keep[at] = 1 - m;
                for (int c = 0; c < shape.Channels; c++)
                    stamp[c * shape.Plane + at] = PixelBytes.ToFloat(patch.Pixels[(c * patch.Height + y) * patch.Width + x]) * m;
            }
        _keep = Keep(tensor(keep, new long[] { 1, 1, shape.Height, shape.Width }));
        _stamp = Keep(tensor(stamp, new long[] { 1, shape.Channels, shape.Height, shape.Width }));
    }

    public PlanarImage Patch { get; }
    public PlanarImage Mask { get; }
    public int Top { get; }
    public int Left { get; }

    protected override Tensor Transform(Tensor images) => images.mul(_keep).add_(_stamp, HeldScalars.One);

    /// <summary>Throws a clear error unless a patch of the given size at (top, left) lies inside the images.</summary>
    public static void CheckPlacement(ImageShape shape, int height, int width, int top, int left)
    {
        if (height < 1 || width < 1) throw new ArgumentException($"The patch size {height}x{width} is not positive.");
        if (top < 0 || left < 0 || top + height > shape.Height || left + width > shape.Width)
            throw new ArgumentException(
                $"A {height}x{width} patch at row {top}, column {left} does not fit in {shape.Height}x{shape.Width} images " +
                $"(it must lie within rows 0..{shape.Height - 1} and columns 0..{shape.Width - 1}).");
    }
}
