namespace Fire.Defenses.Baselines;

/// <summary>The checks every baseline makes on what it is given, with errors that name the defense and the input.</summary>
internal static class DefenseInputs
{
    /// <summary>Validates a fitting context; <paramref name="minimumClean"/> is how many clean reference images the defense needs.</summary>
    public static void CheckContext(string defense, DefenseContext context, int minimumClean)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Model is null) throw new ArgumentException($"{defense}: the context has no model.");
        var clean = context.CleanReference ?? throw new ArgumentException($"{defense}: the context has no clean reference set.");
        if (clean.Count < minimumClean)
            throw new ArgumentException($"{defense} needs at least {minimumClean} clean reference image(s); the context has {clean.Count}.");
        if (clean.Count > 0) CheckImages(defense, context.Model, clean, "clean reference set");
        if (context.CleanLabels is null || context.CleanLabels.Length != clean.Count)
            throw new ArgumentException($"{defense}: {context.CleanLabels?.Length ?? 0} clean labels for {clean.Count} clean reference images.");
    }

    /// <summary>Checks that <paramref name="images"/> is (N, C, H, W) with the model's input shape and values in [0, 1].</summary>
    public static void CheckImages(string defense, ILayeredModel model, FloatBatch images, string what)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Shape.Length != 4 || !images.Shape[1..].SequenceEqual(model.InputShape))
            throw new ArgumentException($"{defense}: the {what} has shape [{string.Join(", ", images.Shape)}]; the model takes (N, {string.Join(", ", model.InputShape)}).");
        var data = images.Data;
        for (int i = 0; i < data.Length; i++)
        {
            float v = data[i];
            if (!(v >= 0f && v <= 1f))
                throw new ArgumentException($"{defense}: the {what} holds {v} at flat index {i}; images must be in [0, 1].");
        }
    }

    public static T Fitted<T>(string defense, T? state) where T : class =>
        state ?? throw new InvalidOperationException($"{defense}: call Fit before Predict.");
}
