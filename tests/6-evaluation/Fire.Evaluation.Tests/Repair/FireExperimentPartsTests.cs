using Fire.Attacks;
using Fire.Data;
using Fire.Guard;
using Fire.Evaluation.Metrics;
using Fire.Evaluation.Plots;
using Fire.Evaluation.Repair;
using Fire.Engines.Torch;
using static TorchSharp.torch;

namespace Fire.Evaluation.Tests.Repair;

public class FireExperimentPartsTests
{
    /// <summary>Adds 0.5 to every pixel (clamped): a trigger whose effect is easy to see.</summary>
    private sealed class BrightenTrigger : ITrigger
    {
        public string Name => "brighten";
        public Tensor Apply(Tensor images) => images.Plus(0.5).Clamped(0, 1);
    }

    /// <summary>20 one-pixel grey images, labels 0..3 in turn; pixel value = index / 40.</summary>
    private static ImageDataset Dataset() => new("toy/train",
        Enumerable.Range(0, 20).Select(i => (byte)(i * 255 / 40)).ToArray(),
        Enumerable.Range(0, 20).Select(i => i % 4).ToArray(), ["a", "b", "c", "d"], 1, 1, 1);

    [Fact]
    public void DefenderSamplesAreDisjointNonTargetAndTriggered()
    {
        var train = Dataset();
        var samples = DefenderSamples.Draw(train, new BrightenTrigger(), target: 0, cleanCount: 6, observedCount: 9, seed: 3);
        Assert.Equal(6, samples.Clean.Count);
        Assert.Equal(9, samples.PoolSize);
        var cleanValues = samples.Clean.Data.ToHashSet();
        Assert.DoesNotContain(samples.Originals.Data, cleanValues.Contains);
        for (int i = 0; i < 9; i++)
        {
            float original = samples.Originals.Data[i];
            int index = (int)Math.Round(original * 255 / (255.0 / 40));
            Assert.NotEqual(0, train.Labels[index]);
            Assert.Equal(Math.Min(1f, original + 0.5f), samples.Poisoned.Data[i], 5);
        }
        var (originals, poisoned) = samples.Range(2, 5);
        Assert.Equal(samples.Originals.Data[2..5], originals.Data);
        Assert.Equal(samples.Poisoned.Data[2..5], poisoned.Data);
        Assert.Throws<ArgumentException>(() => DefenderSamples.Draw(train, new BrightenTrigger(), 0, 6, 20, 3));
    }

    [Fact]
    public void LatentProjectionPutsTheDirectionOnX()
    {
        // Identity latents of 2-D images: direction (2, 0) from the clean mean (1, 1); y is the clean data's other axis.
        var direction = new TriggerDirection("features", [2f, 0f], [1f, 1f]);
        var clean = new FloatBatch([1f, 0f, 1f, 2f, 1f, 1f], [3, 1, 1, 2]);
        var poisoned = new FloatBatch([5f, 1f], [1, 1, 1, 2]);
        var repair = new LayerRepair(direction, CleanScoreStatistics.FromScores([0, 0, 0], 0.9f), RepairMode.GatedTranslate, 1f);
        var projection = LatentProjection.Compute(new TwoPixelIdentityModel(), direction, repair, clean, poisoned);
        Assert.Equal(new[] { 0f, 0f, 0f }, projection.CleanBefore.X);
        Assert.Equal(4f, projection.PoisonedBefore.X[0]);
        Assert.Equal(2f, projection.PoisonedAfter.X[0]);
        Assert.Equal(1f, Math.Abs(projection.CleanBefore.Y[0]), 5);
        Assert.Equal(0f, projection.Threshold);
    }

    [Fact]
    public void ReportMarksTheTargetsAndPlotsArePngs()
    {
        var undefended = new BackdoorMetrics(0.90, 1.0, 0.0);
        var good = new BackdoorMetrics(0.895, 0.02, 0.85);
        var result = new FireExperimentResult("toy/test", 0, 100, false, undefended, good, "conv2: gated, alpha 1", null,
            [new StreamingPoint(10, new BackdoorMetrics(0.9, 0.3, 0.6), "p", 0), new StreamingPoint(100, good, "p", 0)], null, null);
        var leaky = new BackdoorMetrics(0.90, 0.08, 0.79); // ASR above 5% and PA 11 points below the undefended CA
        var paired = result with { Paired = true, Defended = leaky, Streaming = [new StreamingPoint(100, leaky, "p", 0)] };
        var variants = new Dictionary<string, FireExperimentResult> { [FireReport.Unpaired] = result, [FireReport.Paired] = paired };
        var section = new FireReport.Section("toy", "small-cnn", "1 epoch", [
            new FireReport.Row("badnets", variants, new AttackMetrics(0.95, 0.03, 0.877)),
            // A clean model that itself sends 6% to the target and keeps only 75% of the class: the paired misses get a dagger.
            new FireReport.Row("blended", variants, new AttackMetrics(0.95, 0.06, 0.75))]);
        string md = FireReport.Markdown("fire defend-report --datasets toy", [section], []);
        Assert.Contains("fire defend-report --datasets toy", md);
        Assert.Contains("| badnets | 90.0 / 100.0 / 0.0 | 3.0 / 87.7 | 90.0 / 30.0 / 60.0 | 89.5 / 2.0 / 85.0 | - | 90.0 / 8.0 / 79.0 | conv2: gated, alpha 1 |"
            + " unpaired: PA ✓ ASR ✓ CA ✓; paired: PA ✗ ASR ✗ CA ✓ |", md);
        Assert.Contains("| blended | 90.0 / 100.0 / 0.0 | 6.0 / 75.0 |", md);
        Assert.Contains(" unpaired: PA ✓ ASR ✓ CA ✓; paired: PA ✗† ASR ✗† CA ✓ |", md);

        string folder = Directory.CreateTempSubdirectory("fire-plots-").FullName;
        try
        {
            FirePlots.StreamingCurve(Path.Combine(folder, "curve.png"), result.Streaming, undefended, "toy");
            var png = File.ReadAllBytes(Path.Combine(folder, "curve.png"));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
