using Fire.Engines.Torch;

namespace Fire.Defenses.Baselines;

/// <summary>
/// IBD-PSC (Hou et al., "IBD-PSC: Input-level Backdoor Detection via Parameter-oriented Scaling Consistency", ICML 2024):
/// a detector that amplifies the model instead of the input. Batch-norm layers are counted from the last one backwards;
/// amplifying the weight and bias of the last few by <see cref="Scale"/> wrecks clean predictions, while a backdoored
/// model keeps sending triggered inputs to the target with high confidence. Defaults and rule follow the authors'
/// reference implementation (BackdoorBox, core/defenses/IBD_PSC.py):
/// <list type="bullet">
/// <item>the depth: the smallest k in 1..L-1 (L batch-norm layers) such that amplifying the last k layers by
/// <see cref="Scale"/> = 1.5 misclassifies more than <see cref="MaxCleanError"/> = 60% of the clean reference (its true
/// labels); where no such k exists (the reference code fails there) k = L - 1, so the copies below amplify every layer;</item>
/// <item><see cref="Copies"/> = 5 amplified models, the i-th (i = 1..5) amplifying the last min(k + i, L) layers;</item>
/// <item>PSC: the mean over the copies of the softmax probability of the input's original predicted label; higher = more
/// suspicious. The score returned is -ln(1 - PSC), with 1 - PSC computed from the other classes' probabilities: the
/// same order as PSC, but it does not saturate. A float PSC reads exactly 1 for many clean and triggered inputs alike
/// (measured on MNIST small-cnn: the 95% quantile of the clean reference was 1, so a 5% threshold flagged nothing).</item>
/// </list>
/// The engine makes the copies (<see cref="IBatchNormAmplifiable"/>); the model itself is never changed.
/// </summary>
public sealed class IbdPsc : IInputDetector
{
    public const string DetectorName = "ibd-psc";
    public const int DefaultCopies = 5;
    public const float DefaultScale = 1.5f;
    public const double DefaultMaxCleanError = 0.6;

    private Fitted? _fitted;

    public IbdPsc(int copies = DefaultCopies, float scale = DefaultScale, double maxCleanError = DefaultMaxCleanError)
    {
        if (copies < 1) throw new ArgumentOutOfRangeException(nameof(copies), $"IBD-PSC needs at least one amplified copy, got {copies}.");
        if (!(float.IsFinite(scale) && scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale), $"IBD-PSC's amplification must be finite and positive, got {scale}.");
        if (!(maxCleanError is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(maxCleanError), $"IBD-PSC's clean error rate lies in [0, 1), got {maxCleanError}.");
        Copies = copies;
        Scale = scale;
        MaxCleanError = maxCleanError;
    }

    public int Copies { get; }
    public float Scale { get; }
    public double MaxCleanError { get; }
    public string Name => DetectorName;

    /// <summary>The depth k chosen on the clean reference (see the class summary); set by <see cref="Calibrate"/>.</summary>
    public int StartDepth => DefenseInputs.Fitted(Name, _fitted).StartDepth;

    /// <summary>The batch-norm layers (counted from the last) that copy i = 0.. amplifies.</summary>
    public IReadOnlyList<int> AmplifiedDepths => DefenseInputs.Fitted(Name, _fitted).Depths;

    /// <summary>One amplified model per distinct depth; <see cref="Depths"/> lists each copy's depth (repeats where L caps it).</summary>
    private sealed record Fitted(ILayeredModel Model, int StartDepth, int[] Depths, Dictionary<int, ILayeredModel> Amplified);

    public float[] Calibrate(ILayeredModel model, FloatBatch cleanReference, int[] cleanLabels, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        DefenseInputs.CheckImages(Name, model, cleanReference, "clean reference set");
        if (cleanReference.Count == 0) throw new ArgumentException($"{Name} chooses its depth on the clean reference set; it is empty.");
        if (cleanLabels is null || cleanLabels.Length != cleanReference.Count)
            throw new ArgumentException($"{Name}: {cleanLabels?.Length ?? 0} clean labels for {cleanReference.Count} clean reference images.");
        var amplifiable = model as IBatchNormAmplifiable
            ?? throw new ArgumentException($"{Name} amplifies batch-normalisation layers, and {Describe(model)} is from an engine that cannot copy them; use a TorchSharp zoo model.");
        int layers = amplifiable.BatchNormCount;
        if (layers == 0) throw new ArgumentException($"{Name} amplifies batch-normalisation layers, and {Describe(model)} has none; choose another detector (strip, scale-up).");
        ReleaseCopies();

        int start = layers - 1;
        for (int depth = 1; depth < layers; depth++)
        {
            using var amplified = Amplify(amplifiable, layers, depth);
            var predictions = ModelPredictions.Predict(amplified, cleanReference);
            int wrong = predictions.Where((p, n) => p != cleanLabels[n]).Count();
            if ((double)wrong / cleanReference.Count > MaxCleanError) { start = depth; break; }
        }
        var depths = Enumerable.Range(1, Copies).Select(i => Math.Min(start + i, layers)).ToArray();
        var copies = new Dictionary<int, ILayeredModel>();
        try
        {
            foreach (int depth in depths.Distinct()) copies[depth] = Amplify(amplifiable, layers, depth);
        }
        catch
        {
            foreach (var copy in copies.Values) copy.Dispose();
            throw;
        }
        _fitted = new Fitted(model, start, depths, copies);
        return Score(cleanReference);
    }

    /// <summary>-ln(1 - PSC) of each input, PSC being the mean confidence of the amplified copies in the input's original label.</summary>
    public float[] Score(FloatBatch images)
    {
        var fitted = DefenseInputs.Fitted(Name, _fitted);
        DefenseInputs.CheckImages(Name, fitted.Model, images, "input batch");
        var original = ModelPredictions.Predict(fitted.Model, images);
        var doubts = new double[images.Count]; // sums of 1 - p(original label)
        foreach (var group in fitted.Depths.GroupBy(d => d))
        {
            var model = fitted.Amplified[group.Key];
            foreach (var (start, chunk) in BatchSlicing.Chunks(images, ModelPredictions.DefaultChunkSize))
            {
                var logits = model.Forward(chunk);
                for (int i = 0; i < chunk.Count; i++)
                    doubts[start + i] += group.Count() * LabelDoubt.Of(logits.Sample(i), original[start + i]);
            }
        }
        return doubts.Select(d => (float)LabelDoubt.Certainty(d / fitted.Depths.Length)).ToArray();
    }

    /// <summary>The model with its last <paramref name="depth"/> batch-norm layers amplified.</summary>
    private ILayeredModel Amplify(IBatchNormAmplifiable model, int layers, int depth) =>
        model.WithBatchNormAmplified(Enumerable.Range(layers - depth, depth).ToArray(), Scale);

    private static string Describe(ILayeredModel model) =>
        model is TorchLayeredModel torch ? $"the {torch.Net.Architecture} model" : $"the model ({model.GetType().Name})";

    private void ReleaseCopies()
    {
        if (_fitted is null) return;
        foreach (var copy in _fitted.Amplified.Values) copy.Dispose();
        _fitted = null;
    }

    public void Dispose() => ReleaseCopies();
}
