using Fire.Data;
using static TorchSharp.torch;

namespace Fire.Attacks;

/// <summary>The (C, H, W) shape of the images an attack is built for.</summary>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    public static ImageShape Of(ImageDataset data) => new(data.Channels, data.Height, data.Width);

    public static ImageShape FromArray(int[] shape) => shape is [var c, var h, var w] && c > 0 && h > 0 && w > 0
        ? new ImageShape(c, h, w)
        : throw new ArgumentException($"An image shape is three positive numbers (C, H, W), got [{string.Join(", ", shape)}].");

    public int[] ToArray() => [Channels, Height, Width];
    public int Size => Channels * Height * Width;
    public int Plane => Height * Width;

    /// <summary>Throws unless <paramref name="images"/> is a float batch (N, C, H, W) of this shape.</summary>
    public void Check(Tensor images, string who)
    {
        if (images.dim() != 4 || images.shape[1] != Channels || images.shape[2] != Height || images.shape[3] != Width)
            throw new ArgumentException($"{who} is built for images of {this}; got a batch of shape [{string.Join(", ", images.shape)}].");
        if (images.dtype != ScalarType.Float32)
            throw new ArgumentException($"{who} takes float32 images in [0, 1]; got {images.dtype}.");
    }

    public override string ToString() => $"{Channels}x{Height}x{Width}";
}
