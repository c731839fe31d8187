using Fire.Data;
using Fire.Defenses.Baselines;
using Fire.Engines.Torch;
using TorchSharp;

namespace Fire.Defenses.Tests.Baselines;

public class IbdPscTests
{
    private static TorchLayeredModel SmallCnn()
    {
        torch.manual_seed(7);
        return new TorchLayeredModel(ModelZoo.Create("small-cnn", 1, 12, 12, 3, Normalization.Identity(1)), ownsNet: true);
    }

    private static FloatBatch Images(int count, int seed)
    {
        var random = new Random(seed);
        return new FloatBatch(Enumerable.Range(0, count * 144).Select(_ => (float)random.NextDouble()).ToArray(), [count, 1, 12, 12]);
    }

    private static Dictionary<string, float[]> Weights(LayeredNet net) =>
        net.state_dict().ToDictionary(p => p.Key, p => p.Value.to_type(torch.ScalarType.Float32).data<float>().ToArray());

    [Fact]
    public void CalibrationAndScoringLeaveTheModelsWeightsUnchanged()
    {
        using var model = SmallCnn();
        var before = Weights(model.Net);
        using var detector = new IbdPsc();
        var clean = Images(20, 1);
        var scores = detector.Calibrate(model, clean, Enumerable.Range(0, 20).Select(n => n % 3).ToArray(), seed: 0);
        detector.Score(Images(5, 2));
        var after = Weights(model.Net);
        Assert.Equal(before.Keys, after.Keys);
        foreach (var (name, values) in before) Assert.Equal(values, after[name]); // bit for bit
        Assert.Equal(20, scores.Length);
        Assert.All(scores, s => Assert.True(float.IsFinite(s) && s >= 0));
    }

    [Fact]
    public void CopiesAmplifyTheLastLayersFromTheChosenDepth()
    {
        using var model = SmallCnn();
        Assert.Equal(4, model.BatchNormCount);
        using var detector = new IbdPsc();
        // Random labels on a random net: over 60% are wrong at any depth, so the smallest depth (1) is chosen.
        detector.Calibrate(model, Images(30, 3), Enumerable.Range(0, 30).Select(n => n % 3).ToArray(), seed: 0);
        Assert.Equal(1, detector.StartDepth);
        Assert.Equal(new[] { 2, 3, 4, 4, 4 }, detector.AmplifiedDepths);
    }

    [Fact]
    public void AnAmplifiedCopyScalesOnlyTheChosenLayersWeightAndBias()
    {
        using var model = SmallCnn();
        using var copy = (TorchLayeredModel)model.WithBatchNormAmplified([3], 1.5f);
        var original = BatchNormAmplification.Layers(model.Net);
        var amplified = BatchNormAmplification.Layers(copy.Net);
        for (int layer = 0; layer < 4; layer++)
        {
            float factor = layer == 3 ? 1.5f : 1f;
            var weight = original[layer].weight!.data<float>().ToArray();
            var bias = original[layer].bias!.data<float>().ToArray();
            Assert.Equal(weight.Select(w => w * factor), amplified[layer].weight!.data<float>().ToArray());
            Assert.Equal(bias.Select(b => b * factor), amplified[layer].bias!.data<float>().ToArray());
            Assert.Equal(original[layer].running_var!.data<float>().ToArray(), amplified[layer].running_var!.data<float>().ToArray());
        }
    }

    [Fact]
    public void ScoreIsTheMeanConfidenceInTheOriginalLabel()
    {
        using var model = SmallCnn();
        using var detector = new IbdPsc(copies: 2);
        var clean = Images(10, 4);
        detector.Calibrate(model, clean, new int[10], seed: 0);
        var inputs = Images(3, 5);
        var original = ModelPredictions.Predict(model, inputs);
        var expected = new double[3];
        foreach (int depth in detector.AmplifiedDepths)
        {
            using var copy = model.WithBatchNormAmplified(Enumerable.Range(4 - depth, depth).ToArray(), 1.5f);
            var logits = copy.Forward(inputs);
            for (int n = 0; n < 3; n++)
            {
                var probabilities = Softmax(logits.Sample(n).ToArray());
                expected[n] += (1 - probabilities[original[n]]) / 2;
            }
        }
        var scores = detector.Score(inputs);
        for (int n = 0; n < 3; n++) Assert.Equal(-Math.Log(expected[n]), scores[n], 1e-4 * Math.Max(1, Math.Abs(scores[n])));
    }

    private static double[] Softmax(float[] logits)
    {
        double max = logits.Max();
        var e = logits.Select(z => Math.Exp(z - max)).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    [Fact]
    public void ModelsWithoutBatchNormAreRefusedByName()
    {
        using var net = new ConvGapLinear(4, [1f], [0f], new float[,] { { 1f }, { -1f } }, [0f, 0f]);
        using var model = new TorchLayeredModel(net);
        using var detector = new IbdPsc();
        var images = new FloatBatch(new float[32], [2, 1, 4, 4]);
        var error = Assert.Throws<ArgumentException>(() => detector.Calibrate(model, images, new int[2], 0));
        Assert.Contains("conv-gap-linear", error.Message);
        Assert.Contains("has none", error.Message);

        var engineFree = Assert.Throws<ArgumentException>(() => detector.Calibrate(new FunctionModel([1, 1, 1], 2, x => x.Concat(x).ToArray()), new FloatBatch([0f], [1, 1, 1, 1]), [0], 0));
        Assert.Contains("cannot copy", engineFree.Message);
    }
}
