using Fire.Attacks;
using Fire.Data;
using Fire.Guard;
using Fire.Evaluation.Metrics;

namespace Fire.Evaluation.Repair;

/// <summary>The evaluation data, from the TEST split only: clean images and BackdoorBench's poisoned test set (non-target classes, triggered, true labels).</summary>
public sealed class BackdoorTestSet
{
    public BackdoorTestSet(ImageDataset test, ITrigger trigger, int target, int? limit = null, int seed = 0)
    {
        if (limit is < 1) throw new ArgumentException($"The test limit must be at least 1, got {limit}.");
        if (limit is int n && n < test.Count)
        {
            var order = Enumerable.Range(0, test.Count).ToArray();
            new Random(seed).Shuffle(order);
            test = test.Subset(order[..n].Order().ToArray(), $"{test.Name} ({n} of {test.Count})");
        }
        var poisoned = PoisonedSets.PoisonedTestSet(test, trigger, target);
        Name = test.Name;
        Target = target;
        Clean = ImageBatches.From(test);
        CleanLabels = test.Labels;
        Poisoned = ImageBatches.From(poisoned);
        PoisonedLabels = poisoned.Labels;
    }

    public string Name { get; }
    public int Target { get; }
    public FloatBatch Clean { get; }
    public int[] CleanLabels { get; }
    public FloatBatch Poisoned { get; }
    public int[] PoisonedLabels { get; }

    /// <summary>CA, ASR and PA of a classifier (or a defended one) on this set.</summary>
    public BackdoorMetrics Measure(Func<FloatBatch, int[]> predict) =>
        BackdoorMetrics.Compute(predict(Clean), CleanLabels, predict(Poisoned), PoisonedLabels, Target);
}
