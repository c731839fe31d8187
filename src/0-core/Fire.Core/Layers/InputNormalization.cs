namespace Fire.Core;

/// <summary>
/// Per-channel normalisation that a model from outside Fire expects its caller to apply to [0, 1] pixels,
/// (x - mean) / std, for models whose graph does not normalise its input itself. Engines apply it before the graph,
/// so such a model still takes [0, 1] images like every <see cref="ILayeredModel"/>.
/// </summary>
public sealed record InputNormalization(float[] Mean, float[] Std)
{
    /// <summary>Checked against the model's channel count; <paramref name="source"/> names where the values came from (an option, a file).</summary>
    public void Check(int channels, string source)
    {
        if (Mean.Length != channels)
            throw new ArgumentException($"{source}: the mean has {Mean.Length} values but the model takes {channels} channels; give one value per channel.");
        if (Std.Length != channels)
            throw new ArgumentException($"{source}: the std has {Std.Length} values but the model takes {channels} channels; give one value per channel.");
        foreach (float m in Mean)
            if (!float.IsFinite(m)) throw new ArgumentException($"{source}: the mean holds {m}; every value must be a finite number.");
        foreach (float s in Std)
            if (!(float.IsFinite(s) && s > 0)) throw new ArgumentException($"{source}: the std holds {s}; every value must be a finite number above 0.");
    }

    /// <summary>A normalised copy of <paramref name="images"/> (N, C, H, W).</summary>
    public float[] Apply(FloatBatch images)
    {
        int channels = images.Shape[1], plane = images.SampleSize / channels;
        var output = new float[images.Data.Length];
        var source = images.Data;
        for (int n = 0, offset = 0; n < images.Count; n++)
            for (int c = 0; c < channels; c++, offset += plane)
            {
                float mean = Mean[c], scale = 1 / Std[c];
                for (int i = offset; i < offset + plane; i++) output[i] = (source[i] - mean) * scale;
            }
        return output;
    }

    public override string ToString() => $"mean [{string.Join(", ", Mean)}], std [{string.Join(", ", Std)}]";
}
