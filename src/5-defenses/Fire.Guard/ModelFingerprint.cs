namespace Fire.Guard;

/// <summary>
/// What tells one model from another of the same architecture: its logits on two fixed probe inputs (mid-grey and seeded
/// noise in [0, 1]). A guard file keeps them, so a guard loaded for a model it was not fitted for is refused instead of
/// repairing with another model's directions.
/// </summary>
public static class ModelFingerprint
{
    public static float[] Of(ILayeredModel model)
    {
        int size = model.InputShape.Aggregate(1, (a, d) => a * d);
        var values = new float[2 * size];
        Array.Fill(values, 0.5f, 0, size);
        var random = new Random(Seeds.For(0, Seeds.Fingerprint));
        for (int i = size; i < values.Length; i++) values[i] = random.NextSingle();
        return model.Forward(new FloatBatch(values, [2, .. model.InputShape])).Data;
    }

    /// <summary>True when <paramref name="stored"/> and <paramref name="now"/> (of one length) agree up to float noise (thread counts, kernels).</summary>
    public static bool Matches(float[] stored, float[] now)
    {
        float scale = 1 + stored.Max(MathF.Abs);
        for (int i = 0; i < stored.Length; i++)
            if (!(MathF.Abs(stored[i] - now[i]) <= 1e-3f * scale)) return false;
        return true;
    }
}
