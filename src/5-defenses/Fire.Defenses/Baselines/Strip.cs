namespace Fire.Defenses.Baselines;

/// <summary>
/// STRIP (Gao et al., "STRIP: A Defence Against Trojan Attacks on Deep Neural Networks", ACSAC 2019): a detector.
/// Each input is superimposed with <see cref="Overlays"/> clean reference images drawn at random; a trigger keeps
/// dominating the prediction whatever the overlay, so a triggered input's perturbed predictions have low entropy.
/// The score is the mean over the overlays of each perturbed prediction's Shannon entropy (in bits, as in the paper);
/// inputs whose mean entropy falls below a threshold are flagged. The threshold is the
/// <see cref="FalseRejectionRate"/> quantile of the clean reference set's own entropies, i.e. it rejects that share
/// of clean inputs (the paper fixes FRR, e.g. 1%, and reads the threshold off the clean entropy distribution; it fits
/// a normal distribution, we use the empirical quantile). Defaults: N = 64 overlays (the paper studies N up to 100;
/// 64 is TrojanZoo's default and the cost usually quoted), linear blend 0.5 / 0.5, FRR 1%.
/// As a mitigation STRIP abstains (label -1) on flagged inputs and returns the model's own prediction otherwise.
/// <see cref="DefensePrediction.Scores"/> holds the negative mean entropy: higher = more suspicious.
/// Overlays for a clean reference image exclude that image; all draws are seeded per image (<see cref="SampleRandom"/>).
/// </summary>
public sealed class Strip : IRuntimeDefense, IInputDetector
{
    public const string DefenseName = "strip";
    public const int DefaultOverlays = 64;
    public const double DefaultBlend = 0.5;
    public const double DefaultFalseRejectionRate = 0.01;

    private Fitted? _fitted;

    public Strip(int overlays = DefaultOverlays, double blend = DefaultBlend, double falseRejectionRate = DefaultFalseRejectionRate)
    {
        if (overlays < 1) throw new ArgumentOutOfRangeException(nameof(overlays), $"STRIP needs at least 1 overlay, got {overlays}.");
        if (!(blend > 0 && blend < 1)) throw new ArgumentOutOfRangeException(nameof(blend), $"STRIP's blend weight must be in (0, 1), got {blend}.");
        if (!(falseRejectionRate >= 0 && falseRejectionRate < 1))
            throw new ArgumentOutOfRangeException(nameof(falseRejectionRate), $"STRIP's false rejection rate must be in [0, 1), got {falseRejectionRate}.");
        Overlays = overlays;
        Blend = blend;
        FalseRejectionRate = falseRejectionRate;
    }

    public int Overlays { get; }
    /// <summary>Weight of the overlay image: perturbed = (1 - blend) * input + blend * overlay.</summary>
    public double Blend { get; }
    public double FalseRejectionRate { get; }
    public string Name => DefenseName;

    /// <summary>Mean entropy (bits) below which an input is flagged; set by <see cref="Fit"/>.</summary>
    public double Threshold => DefenseInputs.Fitted(Name, _fitted).Threshold;
    /// <summary>The clean reference set's mean entropies that calibrated the threshold.</summary>
    public IReadOnlyList<double> CleanEntropies => DefenseInputs.Fitted(Name, _fitted).CleanEntropies;

    private sealed record Fitted(ILayeredModel Model, FloatBatch Reference, int Seed, double[] CleanEntropies, double Threshold);

    public void Fit(DefenseContext context)
    {
        DefenseInputs.CheckContext(Name, context, minimumClean: 2);
        var reference = context.CleanReference.Clone();
        var entropies = MeanEntropies(context.Model, reference, reference, context.Seed, excludeSelf: true);
        _fitted = new Fitted(context.Model, reference, context.Seed, entropies, CalibrateThreshold(entropies, FalseRejectionRate));
    }

    public DefensePrediction Predict(FloatBatch images)
    {
        var fitted = DefenseInputs.Fitted(Name, _fitted);
        DefenseInputs.CheckImages(Name, fitted.Model, images, "input batch");
        var entropies = MeanEntropies(fitted.Model, images, fitted.Reference, fitted.Seed, excludeSelf: false);
        var labels = ModelPredictions.Predict(fitted.Model, images);
        for (int n = 0; n < labels.Length; n++)
            if (entropies[n] < fitted.Threshold) labels[n] = DefensePrediction.Abstain;
        return new DefensePrediction(labels, entropies.Select(e => (float)-e).ToArray());
    }

    /// <summary>As a detector: fits on the clean reference and returns its scores (negative mean entropies, each image
    /// excluded from its own overlays).</summary>
    public float[] Calibrate(ILayeredModel model, FloatBatch cleanReference, int[] cleanLabels, int seed)
    {
        Fit(new DefenseContext(model, cleanReference, cleanLabels, new FloatBatch([], [0, .. cleanReference.SampleShape]), Seed: seed));
        return CleanEntropies.Select(e => (float)-e).ToArray();
    }

    /// <summary>As a detector: the negative mean entropy of each input (higher = more suspicious).</summary>
    public float[] Score(FloatBatch images) => Entropies(images).Select(e => (float)-e).ToArray();

    /// <summary>The mean perturbed-prediction entropy (bits) of each input; low = suspicious.</summary>
    public double[] Entropies(FloatBatch images)
    {
        var fitted = DefenseInputs.Fitted(Name, _fitted);
        DefenseInputs.CheckImages(Name, fitted.Model, images, "input batch");
        return MeanEntropies(fitted.Model, images, fitted.Reference, fitted.Seed, excludeSelf: false);
    }

    /// <summary>The threshold that flags a share <paramref name="falseRejectionRate"/> of the clean entropies.</summary>
    public static double CalibrateThreshold(IReadOnlyList<double> cleanEntropies, double falseRejectionRate) =>
        Quantiles.Of(cleanEntropies, falseRejectionRate);

    /// <summary>Shannon entropy, in bits, of softmax(<paramref name="logits"/>).</summary>
    public static double Entropy(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (float z in logits) max = Math.Max(max, z);
        double partition = 0;
        foreach (float z in logits) partition += Math.Exp(z - max);
        double entropy = 0;
        foreach (float z in logits)
        {
            double p = Math.Exp(z - max) / partition;
            if (p > 0) entropy -= p * Math.Log2(p);
        }
        return entropy;
    }

    private double[] MeanEntropies(ILayeredModel model, FloatBatch inputs, FloatBatch reference, int seed, bool excludeSelf)
    {
        int size = inputs.SampleSize;
        // Each chunk holds whole inputs (all their overlays) so one forward pass yields complete means.
        int inputsPerChunk = Math.Max(1, ModelPredictions.DefaultChunkSize / Overlays);
        var entropies = new double[inputs.Count];
        for (int start = 0; start < inputs.Count; start += inputsPerChunk)
        {
            int count = Math.Min(inputsPerChunk, inputs.Count - start);
            var perturbed = new float[count * Overlays * size];
            for (int i = 0; i < count; i++)
            {
                int n = start + i;
                var input = inputs.Sample(n);
                var overlays = DrawOverlays(SampleRandom.For(seed, input), reference.Count, excludeSelf ? n : -1);
                for (int k = 0; k < Overlays; k++)
                {
                    var overlay = reference.Sample(overlays[k]);
                    var target = perturbed.AsSpan((i * Overlays + k) * size, size);
                    for (int j = 0; j < size; j++) target[j] = (float)((1 - Blend) * input[j] + Blend * overlay[j]);
                }
            }
            var shape = (int[])inputs.Shape.Clone();
            shape[0] = count * Overlays;
            var logits = model.Forward(new FloatBatch(perturbed, shape));
            for (int i = 0; i < count; i++)
            {
                double sum = 0;
                for (int k = 0; k < Overlays; k++) sum += Entropy(logits.Sample(i * Overlays + k));
                entropies[start + i] = sum / Overlays;
            }
        }
        return entropies;
    }

    /// <summary>Overlay indices from successive shuffles of the pool (distinct while N does not exceed it); never <paramref name="excluded"/>.</summary>
    private int[] DrawOverlays(Random random, int poolSize, int excluded)
    {
        var pool = Enumerable.Range(0, poolSize).Where(i => i != excluded).ToArray();
        var drawn = new int[Overlays];
        for (int k = 0; k < Overlays; k++)
        {
            if (k % pool.Length == 0) random.Shuffle(pool);
            drawn[k] = pool[k % pool.Length];
        }
        return drawn;
    }

    public void Dispose() { }
}
