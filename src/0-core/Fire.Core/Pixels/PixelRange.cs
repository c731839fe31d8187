namespace Fire.Core;

/// <summary>Models take pixels in [0, 1]: the check engines run on every input batch.</summary>
public static class PixelRange
{
    /// <summary>
    /// Bytes handed over as 0..255 floats, or images normalised already, would run without complaint and give meaningless
    /// predictions: refused, at the cost of one pass over the values. The slack admits rounding, never such mistakes.
    /// </summary>
    public static FloatBatch Check(FloatBatch images)
    {
        const float slack = 1e-4f;
        var data = images.Data;
        for (int i = 0; i < data.Length; i++)
        {
            float v = data[i];
            if (!(v >= -slack && v <= 1 + slack))
                throw new ArgumentException($"The model takes images with pixels in [0, 1]; the batch holds {v} at flat index {i} " +
                                            "(bytes: divide by 255; normalised images: undo it, the engine applies the model's normalisation).");
        }
        return images;
    }
}
