using Fire.Data;
using Fire.Guard;
using Fire.Engines.Torch;
using Fire.Engines.Torch.Architectures;

namespace Fire.Guard.Tests;

/// <summary>The guard on a real TorchSharp model: layer isolation, several layers, persistence and concurrency.</summary>
public class GuardEngineTests
{
    private static readonly FireOptions TwoLayers = new()
    {
        FixedPlan = [new RepairSetting("conv2", RepairMode.GatedTranslate, 1f), new RepairSetting("fc1", RepairMode.Translate, 0.5f, DirectionDensity.Sparse)],
    };

    [Fact]
    public void RepairingALayerLeavesEarlierActivationsUntouched()
    {
        using var model = RandomCnn.Create();
        var images = RandomCnn.Images(6, seed: 2);
        int size = model.DescribeLayers().Single(l => l.Name == "conv3").ActivationSize;
        var random = new Random(3);
        var beta = Enumerable.Range(0, size).Select(_ => (float)random.NextDouble()).ToArray();
        var repair = new LayerRepair(new TriggerDirection("conv3", beta, new float[size]), CleanScoreStatistics.FromScores([0], 0.5f), RepairMode.Translate, 1f);
        var plan = new RepairPlan([repair], estimatedTarget: 0, observedCount: 1);

        var plain = new LayerAccess().Tap("conv1", "conv2", "conv3");
        var plainLogits = model.Forward(images, plain);
        var repaired = plan.CreateAccess(model.LayerNames).Tap("conv1", "conv2", "conv3");
        var repairedLogits = model.Forward(images, repaired);

        Assert.Equal(plain.Captured["conv1"].Data, repaired.Captured["conv1"].Data);
        Assert.Equal(plain.Captured["conv2"].Data, repaired.Captured["conv2"].Data);
        var expected = plain.Captured["conv3"].Data.Select((v, i) => v - beta[i % size]).ToArray();
        Assert.Equal(expected, repaired.Captured["conv3"].Data);
        Assert.NotEqual(plainLogits.Data, repairedLogits.Data);
    }

    [Fact]
    public void SaveAndLoadGiveIdenticalPredictionsAndKeepUpdating()
    {
        using var model = RandomCnn.Create();
        var clean = RandomCnn.Images(40, seed: 4);
        using var guard = new FireGuard(model, TwoLayers);
        guard.FitClean(clean, RandomCnn.Labels(model, clean));
        guard.Observe(RandomCnn.Images(12, seed: 5, patch: true));
        string path = Path.Combine(Path.GetTempPath(), $"fire-{Guid.NewGuid():N}.json");
        try
        {
            guard.Save(path);
            using var loaded = FireGuard.Load(path, model);
            var inputs = RandomCnn.Images(25, seed: 6, patch: true);
            var before = guard.Predict(inputs);
            var after = loaded.Predict(inputs);
            Assert.Equal(2, loaded.Plan.Repairs.Count);
            Assert.Equal(DirectionDensity.Sparse, loaded.Plan.Repairs.Single(r => r.Layer == "fc1").Density);
            Assert.Contains(0f, loaded.Plan.Repairs.Single(r => r.Layer == "fc1").Direction.Beta);
            Assert.Equal(before.Labels, after.Labels);
            Assert.Equal(before.Scores, after.Scores);
            Assert.Equal(guard.Direction("conv2").Beta, loaded.Direction("conv2").Beta);

            var more = RandomCnn.Images(4, seed: 7, patch: true);
            guard.Observe(more);
            loaded.Observe(more);
            Assert.Equal(16, loaded.ObservedCount);
            Assert.Equal(guard.Predict(inputs).Scores, loaded.Predict(inputs).Scores);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadingForAModelWithOtherShapesSaysWhichLayer()
    {
        using var model = RandomCnn.Create();
        var clean = RandomCnn.Images(10, seed: 4);
        using var guard = new FireGuard(model, TwoLayers);
        guard.FitClean(clean, RandomCnn.Labels(model, clean));
        guard.Observe(RandomCnn.Images(3, seed: 5, patch: true));
        string path = Path.Combine(Path.GetTempPath(), $"fire-{Guid.NewGuid():N}.json");
        try
        {
            guard.Save(path, includeSamples: false);
            using var other = new TorchLayeredModel(new SmallCnn(1, 16, 16, 3, Normalization.Identity(1)), ownsNet: true);
            var error = Assert.Throws<InvalidDataException>(() => FireGuard.Load(path, other));
            Assert.Contains("layer 'conv2'", error.Message);
            Assert.Contains("another model", error.Message);

            using var predictOnly = FireGuard.Load(path, model);
            var inputs = RandomCnn.Images(5, seed: 8, patch: true);
            Assert.Equal(guard.Predict(inputs).Labels, predictOnly.Predict(inputs).Labels);
            Assert.Throws<InvalidOperationException>(() => predictOnly.Observe(inputs));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task PredictionsRunInParallelWhileObservationsArrive()
    {
        using var model = RandomCnn.Create();
        var clean = RandomCnn.Images(30, seed: 9);
        using var guard = new FireGuard(model, new FireOptions { Layers = ["conv3", "fc1"], Alphas = [1f] });
        guard.FitClean(clean, RandomCnn.Labels(model, clean));
        guard.Observe(RandomCnn.Images(1, seed: 10, patch: true));
        var inputs = RandomCnn.Images(16, seed: 11, patch: true);
        var poisoned = RandomCnn.Images(24, seed: 12, patch: true);

        using var stop = new CancellationTokenSource();
        int predictions = 0;
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var result = guard.Predict(inputs);
                Assert.Equal(16, result.Labels.Length);
                Assert.All(result.Labels, l => Assert.InRange(l, 0, 2));
                Interlocked.Increment(ref predictions);
            }
        })).ToArray();
        for (int i = 0; i < poisoned.Count; i++)
            guard.Observe(new FloatBatch(poisoned.Sample(i).ToArray(), [1, 1, 8, 8]));
        while (Volatile.Read(ref predictions) < 6) await Task.Delay(5);
        stop.Cancel();
        await Task.WhenAll(readers);
        Assert.Equal(25, guard.ObservedCount);
        Assert.Equal(guard.Predict(inputs).Labels, guard.Predict(inputs).Labels);
    }
}
