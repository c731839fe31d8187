namespace Fire.Defenses.Baselines;

/// <summary>
/// SCALE-UP (Guo et al., "SCALE-UP: An Efficient Black-box Input-level Backdoor Detection via Analyzing Scaled
/// Prediction Consistency", ICLR 2023): a black-box detector. Each input's pixel values (in [0, 1], before the model's
/// own normalisation) are multiplied by every factor of <see cref="Scales"/> and clipped to [0, 1]; a trigger keeps
/// deciding the prediction under amplification while a clean image's prediction drifts. The score is the scaled
/// prediction consistency, SPC = the share of the scaled copies whose predicted label equals the input's own prediction:
/// higher = more suspicious. Default scales {3, 5, 7, 9, 11}, those of the authors' reference implementation in
/// BackdoorBox (core/defenses/SCALE_UP.py), which also clips in pixel space without normalisation.
/// The paper's data-limited variant standardises SPC with the mean and standard deviation of the clean reference's SPC;
/// that is an increasing affine map of the score, so a threshold read off the clean scores at a false-positive rate flags
/// exactly the same inputs with or without it: it is not implemented. Deterministic: no randomness.
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

    /// <summary>The SPC of each input: the share of its scaled copies predicted as the input itself is.</summary>
    public float[] Score(FloatBatch images)
    {
        var model = DefenseInputs.Fitted(Name, _model);
        DefenseInputs.CheckImages(Name, model, images, "input batch");
        var original = ModelPredictions.Predict(model, images);
        var consistent = new int[images.Count];
        foreach (float scale in Scales)
        {
            var scaled = ModelPredictions.Predict(model, Scaled(images, scale));
            for (int n = 0; n < scaled.Length; n++)
                if (scaled[n] == original[n]) consistent[n]++;
        }
        return consistent.Select(c => (float)c / Scales.Count).ToArray();
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
