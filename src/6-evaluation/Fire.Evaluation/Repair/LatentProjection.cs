using System.Numerics.Tensors;
using Fire.Guard;

namespace Fire.Evaluation.Repair;

/// <summary>Two coordinates per sample.</summary>
public sealed record PlanePoints(float[] X, float[] Y);

/// <summary>
/// Clean and poisoned latents at one layer, before and after repair, in a plane that shows the repair: x is the
/// score along the trigger direction (from the clean mean), y the top principal component of the clean latents
/// with the direction removed. <see cref="Threshold"/> is the gate's x for gated modes.
/// </summary>
public sealed record LatentProjection(string Layer, string Repair, float? Threshold,
    PlanePoints CleanBefore, PlanePoints PoisonedBefore, PlanePoints CleanAfter, PlanePoints PoisonedAfter)
{
    public static LatentProjection Compute(ILayeredModel model, TriggerDirection direction, LayerRepair? repair, FloatBatch clean, FloatBatch poisoned)
    {
        if (repair is not null && repair.Layer != direction.Layer)
            throw new ArgumentException($"The repair is at layer '{repair.Layer}', the direction at '{direction.Layer}'.");
        var cleanBefore = model.Head(clean, direction.Layer);
        var poisonedBefore = model.Head(poisoned, direction.Layer);
        var cleanAfter = repair?.Apply(cleanBefore) ?? cleanBefore;
        var poisonedAfter = repair?.Apply(poisonedBefore) ?? poisonedBefore;
        var second = TopComponentOrthogonal(cleanBefore, direction);
        PlanePoints Project(FloatBatch activations)
        {
            var x = new float[activations.Count];
            var y = new float[activations.Count];
            var centred = new float[activations.SampleSize];
            for (int i = 0; i < x.Length; i++)
            {
                TensorPrimitives.Subtract(activations.Sample(i), direction.CleanMean, centred);
                x[i] = TensorPrimitives.Dot<float>(centred, direction.Unit);
                y[i] = TensorPrimitives.Dot<float>(centred, second);
            }
            return new PlanePoints(x, y);
        }
        float? threshold = repair is not null && RepairModes.IsGated(repair.Mode) ? repair.CleanScores.Threshold : null;
        return new LatentProjection(direction.Layer, repair?.ToString() ?? "no repair", threshold,
            Project(cleanBefore), Project(poisonedBefore), Project(cleanAfter), Project(poisonedAfter));
    }

    /// <summary>The leading principal axis of the clean latents after removing their component along the direction (power iteration).</summary>
    private static float[] TopComponentOrthogonal(FloatBatch clean, TriggerDirection direction)
    {
        int n = clean.Count, d = clean.SampleSize;
        var residuals = new float[n * d];
        var mean = new float[d];
        for (int i = 0; i < n; i++)
        {
            var row = residuals.AsSpan(i * d, d);
            TensorPrimitives.Subtract(clean.Sample(i), direction.CleanMean, row);
            TensorPrimitives.MultiplyAdd(direction.Unit, -TensorPrimitives.Dot<float>(row, direction.Unit), row, row);
            TensorPrimitives.Add(mean, row, mean);
        }
        TensorPrimitives.Divide(mean, n, mean);
        for (int i = 0; i < n; i++) TensorPrimitives.Subtract(residuals.AsSpan(i * d, d), mean, residuals.AsSpan(i * d, d));

        var random = new Random(0);
        var v = Enumerable.Range(0, d).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var next = new float[d];
        var projections = new float[n];
        for (int iteration = 0; iteration < 50; iteration++)
        {
            for (int i = 0; i < n; i++) projections[i] = TensorPrimitives.Dot(residuals.AsSpan(i * d, d), v);
            Array.Clear(next);
            for (int i = 0; i < n; i++) TensorPrimitives.MultiplyAdd(residuals.AsSpan(i * d, d), projections[i], next, next);
            float norm = TensorPrimitives.Norm<float>(next);
            if (!(norm > 0)) return new float[d];
            TensorPrimitives.Divide(next, norm, v);
        }
        return v;
    }
}
