namespace Fire.Defenses.Baselines;

/// <summary>
/// A detector that needs no flags and no poisoned sample: an input is suspicious when the model sends it to a class
/// while its latent at one layer lies far from that class's clean latents. Fitted on the labelled clean reference only.
/// <para>Score: the mean over the layer's features of (h - mu_c)^2 / var, where c is the model's predicted class, mu_c
/// the mean latent of the reference's images of class c and var the pooled within-class variance of each feature
/// (floored at 0.1% of its mean, so dead units do not divide by zero). An input predicted into a class the reference
/// lacks scores <see cref="float.MaxValue"/>.</para>
/// <para>Layer rule (clean data only): the hidden layer at which the reference's images are best assigned to their own
/// labels by the same distance to the class means, each image left out of its own class's mean (earliest on ties): the
/// layer where "far from its class" means most on clean data.</para>
/// <para>Calibration scores are leave-one-out (an image's own latent is left out of its class mean: the distance grows
/// by n/(n-1)); an image alone in its class gets the score 0 (nothing left to compare it with).</para>
/// </summary>
public sealed class LatentOutlier : IInputDetector
{
    public const string DetectorName = "latent";
    private const int BatchSize = 256;
    private Fitted? _fitted;

    public string Name => DetectorName;

    /// <summary>The layer the rule chose, and each candidate layer's leave-one-out agreement with the reference's labels.</summary>
    public string Layer => Require().Layer.Name;
    public IReadOnlyDictionary<string, double> LayerAgreement => Require().Agreement;

    private sealed record Fitted(ILayeredModel Model, ClassLatents Layer, IReadOnlyDictionary<string, double> Agreement);

    public float[] Calibrate(ILayeredModel model, FloatBatch cleanReference, int[] cleanLabels, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (cleanLabels.Length != cleanReference.Count)
            throw new ArgumentException($"The clean reference has {cleanReference.Count} images but {cleanLabels.Length} labels.");
        if (cleanReference.Count < 2) throw new ArgumentException("The latent detector needs at least 2 clean reference images.");
        var agreement = new Dictionary<string, double>();
        ClassLatents? best = null;
        FloatBatch? bestActivations = null;
        foreach (string layer in model.LayerNames.Take(model.LayerNames.Count - 1))
        {
            var activations = Activations(model, cleanReference, layer);
            var latents = ClassLatents.Fit(layer, activations, cleanLabels, model.ClassCount);
            agreement[layer] = latents.LeaveOneOutAgreement(activations, cleanLabels);
            if (best is null || agreement[layer] > agreement[best.Name]) (best, bestActivations) = (latents, activations);
        }
        if (best is null) throw new ArgumentException("The latent detector needs a model with at least one hidden layer.");
        _fitted = new Fitted(model, best, agreement);
        var predicted = ModelPredictions.Predict(model, cleanReference);
        return Enumerable.Range(0, cleanReference.Count)
            .Select(i => best.Score(bestActivations!.Sample(i), predicted[i], leaveOutLabel: cleanLabels[i])).ToArray();
    }

    public float[] Score(FloatBatch images)
    {
        var fitted = Require();
        var predicted = ModelPredictions.Predict(fitted.Model, images);
        var activations = Activations(fitted.Model, images, fitted.Layer.Name);
        return Enumerable.Range(0, images.Count).Select(i => fitted.Layer.Score(activations.Sample(i), predicted[i], leaveOutLabel: null)).ToArray();
    }

    public void Dispose() { }

    private Fitted Require() => _fitted ?? throw new InvalidOperationException("The latent detector is not calibrated: call Calibrate on the clean reference first.");

    private static FloatBatch Activations(ILayeredModel model, FloatBatch images, string layer)
    {
        FloatBatch? all = null;
        foreach (var (start, chunk) in BatchSlicing.Chunks(images, BatchSize))
        {
            var part = model.Head(chunk, layer);
            all ??= new FloatBatch(new float[images.Count * part.SampleSize], [images.Count, .. part.SampleShape]);
            part.Data.CopyTo(all.Data, start * part.SampleSize);
        }
        return all ?? throw new ArgumentException("No images to score.");
    }
}

/// <summary>Per-class mean latents and the pooled within-class variance of one layer (see <see cref="LatentOutlier"/>).</summary>
internal sealed class ClassLatents
{
    private const double VarianceFloor = 1e-3;
    private readonly double[][] _means; // empty for classes the reference lacks
    private readonly int[] _counts;
    private readonly double[] _inverseVariance;

    private ClassLatents(string name, double[][] means, int[] counts, double[] inverseVariance)
    {
        Name = name;
        _means = means;
        _counts = counts;
        _inverseVariance = inverseVariance;
    }

    public string Name { get; }

    public static ClassLatents Fit(string name, FloatBatch activations, int[] labels, int classCount)
    {
        int size = activations.SampleSize;
        var counts = new int[classCount];
        var means = new double[classCount][];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || labels[i] >= classCount)
                throw new ArgumentException($"Clean reference label {labels[i]} is outside the model's {classCount} classes.");
            counts[labels[i]]++;
            var mean = means[labels[i]] ??= new double[size];
            var sample = activations.Sample(i);
            for (int f = 0; f < size; f++) mean[f] += sample[f];
        }
        for (int c = 0; c < classCount; c++)
        {
            means[c] ??= [];
            for (int f = 0; f < means[c].Length; f++) means[c][f] /= counts[c];
        }
        var variance = new double[size];
        for (int i = 0; i < labels.Length; i++)
        {
            var sample = activations.Sample(i);
            var mean = means[labels[i]];
            for (int f = 0; f < size; f++) variance[f] += (sample[f] - mean[f]) * (sample[f] - mean[f]);
        }
        int freedom = Math.Max(1, labels.Length - counts.Count(n => n > 0));
        double floor = VarianceFloor * variance.Average() / freedom + 1e-12;
        return new ClassLatents(name, means, counts, variance.Select(v => 1 / Math.Max(v / freedom, floor)).ToArray());
    }

    /// <summary>The score of one latent against class <paramref name="predicted"/>'s mean; with <paramref name="leaveOutLabel"/>
    /// the latent is a reference image of that label, left out of its class's mean.</summary>
    public float Score(ReadOnlySpan<float> latent, int predicted, int? leaveOutLabel)
    {
        if (predicted < 0 || predicted >= _counts.Length || _counts[predicted] == 0) return float.MaxValue;
        double distance = Distance(latent, predicted);
        if (leaveOutLabel == predicted)
        {
            int n = _counts[predicted];
            if (n < 2) return 0;
            distance *= (double)n / (n - 1) * n / (n - 1);
        }
        return (float)distance;
    }

    /// <summary>The share of reference images (of classes with at least 2) whose nearest class mean, their own left out, is their label.</summary>
    public double LeaveOneOutAgreement(FloatBatch activations, int[] labels)
    {
        int judged = 0, agreed = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int own = labels[i], n = _counts[own];
            if (n < 2) continue;
            judged++;
            var sample = activations.Sample(i);
            double ownDistance = Distance(sample, own) * ((double)n / (n - 1)) * ((double)n / (n - 1));
            bool nearest = true;
            for (int c = 0; c < _counts.Length && nearest; c++)
                if (c != own && _counts[c] > 0 && Distance(sample, c) < ownDistance) nearest = false;
            if (nearest) agreed++;
        }
        return judged == 0 ? 0 : (double)agreed / judged;
    }

    private double Distance(ReadOnlySpan<float> latent, int c)
    {
        var mean = _means[c];
        double sum = 0;
        for (int f = 0; f < mean.Length; f++)
        {
            double d = latent[f] - mean[f];
            sum += d * d * _inverseVariance[f];
        }
        return sum / mean.Length;
    }
}
