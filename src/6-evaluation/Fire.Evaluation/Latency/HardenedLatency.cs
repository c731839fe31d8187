using Fire.Engines.Onnx;
using Onnx;

namespace Fire.Evaluation.Latency;

/// <summary>
/// A model and its FIRE-hardened graph (<c>fire guard export</c>) on ONNX Runtime, timed in one run, interleaved
/// (<see cref="LatencyComparison"/>), on seeded random images: the repair's cost as a deployed model pays it. Candidates
/// <see cref="Plain"/> (the baseline) and <see cref="Hardened"/>.
/// </summary>
public static class HardenedLatency
{
    public const string Plain = "plain", Hardened = "hardened";
    private const int PoolSize = 256;

    /// <param name="inputShape">(C, H, W) the graphs take (as they take it: normalised where the graph expects it).</param>
    public static LatencyReport Compare(ModelProto plain, ModelProto hardened, int[] inputShape, int threads, LatencyOptions? options = null)
    {
        using var plainSession = new OnnxClassifier(plain, "plain model", threads);
        using var hardenedSession = new OnnxClassifier(hardened, "hardened model", threads);
        var pool = NoiseImages.Draw(new Random(Seeds.For(2, Seeds.Fingerprint)), PoolSize, inputShape);
        return new LatencyComparison(options).Run(
            new LatencyCandidate(Plain, x => ModelPredictions.Argmax(plainSession.Logits(x))),
            [new LatencyCandidate(Hardened, x => ModelPredictions.Argmax(hardenedSession.Logits(x)))], pool);
    }
}
