namespace Fire.Guard;

/// <summary>Checks on what callers hand the guard, with errors that say which set is wrong and how.</summary>
internal static class InputChecks
{
    public static void Images(ILayeredModel model, FloatBatch images, string what)
    {
        ArgumentNullException.ThrowIfNull(images, what);
        if (images.Shape.Length != 4 || !images.SampleShape.SequenceEqual(model.InputShape))
            throw new ArgumentException($"The {what} must be images of shape (N, {string.Join(", ", model.InputShape)}); got [{string.Join(", ", images.Shape)}].");
        if (images.Count == 0) throw new ArgumentException($"The {what} is empty: give at least one image.");
    }
}
