using static TorchSharp.torch;

namespace Fire.Attacks;

/// <summary>
/// A trigger built for one image shape. <see cref="Apply"/> checks the batch and returns a new tensor; the
/// trigger's own constant tensors are kept out of any dispose scope, so a trigger outlives the scope it was built in.
/// </summary>
public abstract class ImageTrigger : ITrigger
{
    protected ImageTrigger(string name, ImageShape shape)
    {
        Name = name;
        Shape = shape;
    }

    public string Name { get; }
    public ImageShape Shape { get; }

    public Tensor Apply(Tensor images)
    {
        Shape.Check(images, $"The {Name} trigger");
        return Transform(images);
    }

    /// <summary>The triggered batch; <paramref name="images"/> has been checked.</summary>
    protected abstract Tensor Transform(Tensor images);

    /// <summary>A constant the trigger keeps for its whole life.</summary>
    protected static Tensor Keep(Tensor constant) => constant.DetachFromDisposeScope();
}
