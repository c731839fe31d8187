namespace Fire.Defenses.Baselines;

/// <summary>
/// SCALE-UP (Guo et al., "SCALE-UP: An Efficient Black-box Input-level Backdoor Detection via Analyzing Scaled
/// Prediction Consistency", ICLR 2023): a black-box detector. Each input's pixel values (in [0, 1], before the model's
/// own normalisation) are multiplied by every factor of <see cref="Scales"/> and clipped to [0, 1]; a trigger keeps
/// deciding the prediction under amplification while a clean image's prediction drifts. The paper's score is the scaled
/// prediction consistency, SPC = c / S, c of the S scaled copies being predicted as the input itself is: higher = more
/// suspicious. Default scales {3, 5, 7, 9, 11}, those of the authors' reference implementation in BackdoorBox
/// (core/defenses/SCALE_UP.py), which also clips in pixel space without normalisation.
/// SPC takes only S + 1 values, and on real data far more than 5% of the clean reference reaches SPC = 1, so a threshold
/// at a false-positive rate lands on the top value and flags nothing (measured on MNIST, GTSRB and CIFAR-10). The score
/// therefore breaks ties by how sure the scaled copies stay of the input's label: score = (c + t) / (S + 1) with
/// t = L / (1 + L) in [0, 1), L = -ln(mean over the copies of 1 - p(label)) (<see cref="LabelDoubt"/>). It orders inputs
/// by SPC first, exactly as the paper does, and only within one SPC value by the copies' certainty.
/// The paper's data-limited variant standardises SPC with the clean reference's mean and standard deviation: an increasing
/// affine map, so a threshold read off the clean scores flags the same inputs with or without it; not implemented.
/// Deterministic: no randomness.
/// </summary>
public sealed class ScaleUp : IInputDetector
{
    public const string DetectorName = "scale-up";
    public static readonly IReadOnlyList<float> DefaultScales = [3f, 5f, 7f, 9f, 11f];

    private ILayeredModel? _model;

    public ScaleUp(IReadOnlyList<float>? scales = null)
    {
        scales ??= DefaultScales;
        if (scales.Count == 0) throw new ArgumentException("SCALE-UP needs at least one scaling factor.");
        foreach (float scale in scales)
            if (!(float.IsFinite(scale) && scale > 0))
                throw new ArgumentOutOfRangeException(nameof(scales), $"SCALE-UP's scaling factors must be finite and positive, got {scale}.");
        Scales = scales.ToArray();
    }

    public IReadOnlyList<float> Scales { get; }
    public string Name => DetectorName;

    public float[] Calibrate(ILayeredModel model, FloatBatch cleanReference, int[] cleanLabels, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        DefenseInputs.CheckImages(Name, model, cleanReference, "clean reference set");
        _model = model;
        return Score(cleanReference);
    }

    /// <summary>The SPC of each input with its tie-break: (c + t) / (S + 1), see the class summary.</summary>
    public float[] Score(FloatBatch images)
    {
        var model = DefenseInputs.Fitted(Name, _model);
        DefenseInputs.CheckImages(Name, model, images, "input batch");
        var original = ModelPredictions.Predict(model, images);
        var consistent = new int[images.Count];
        var doubts = new double[images.Count]; // sums over the copies of 1 - p(original label)
        foreach (float scale in Scales)
            foreach (var (start, chunk) in BatchSlicing.Chunks(Scaled(images, scale), ModelPredictions.DefaultChunkSize))
            {
                var logits = model.Forward(chunk);
                var labels = ModelPredictions.Argmax(logits);
                for (int i = 0; i < chunk.Count; i++)
                {
                    if (labels[i] == original[start + i]) consistent[start + i]++;
                    doubts[start + i] += LabelDoubt.Of(logits.Sample(i), original[start + i]);
                }
            }
        var scores = new float[images.Count];
        for (int n = 0; n < scores.Length; n++)
        {
            double certainty = LabelDoubt.Certainty(doubts[n] / Scales.Count);
            scores[n] = (float)((consistent[n] + certainty / (1 + certainty)) / (Scales.Count + 1));
        }
        return scores;
    }

    /// <summary>min(1, <paramref name="scale"/> x pixel) for every pixel (pixels are >= 0, so no lower clip is needed).</summary>
    public static FloatBatch Scaled(FloatBatch images, float scale)
    {
        var data = new float[images.Data.Length];
        for (int i = 0; i < data.Length; i++) data[i] = Math.Clamp(images.Data[i] * scale, 0f, 1f);
        return new FloatBatch(data, (int[])images.Shape.Clone());
    }

    public void Dispose() { }
}
