using Fire.Attacks;
using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Engines.Onnx;
using Fire.Guard.Onnx;
using Fire.Onnx;
using Xunit.Abstractions;

namespace Fire.Guard.Onnx.Tests;

/// <summary>
/// Issue 35's acceptance on a model Fire did not write: a guard fitted through the ONNX Runtime engine on PyTorch's
/// backdoored GTSRB CNN (../shared/models/gtsrb-badnets-smallcnn, its 3x3 white patch to class 0), written into the
/// graph; over the whole GTSRB test split, clean and triggered, the hardened model's labels are
/// <see cref="FireGuard.Predict"/>'s and its logits within 1e-4 of the guard's repaired forward pass.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Slow)]
public class WholeGtsrbParityTests(ITestOutputHelper output)
{
    private static readonly string ModelPath = Path.Combine(SharedModels.Folder, "gtsrb-badnets-smallcnn", "model.onnx");
    private const int Target = 0, Chunk = 1000;

    [Fact]
    public void Hardened_model_labels_and_logits_match_the_guard_on_the_whole_test_split()
    {
        var split = Datasets.Load("gtsrb", DataLocator.Resolve(null));
        using var model = new OnnxLayeredModel(ModelPath, threads: 1);
        var trigger = AttackCatalog.Create("badnets", new AttackOptions { Shape = ImageShape.Of(split.Train), Target = Target, Seed = 0 }).Trigger;

        var order = Enumerable.Range(0, split.Train.Count).ToArray();
        new Random(11).Shuffle(order);
        var clean = order.Take(500).ToArray();
        var flagged = order.Skip(500).Where(i => split.Train.Labels[i] != Target).Take(100).ToArray();
        using var guard = new FireGuard(model);
        guard.FitClean(ImageBatches.From(split.Train, clean), clean.Select(i => split.Train.Labels[i]).ToArray());
        guard.Observe(trigger.Apply(ImageBatches.From(split.Train, flagged)));
        Assert.False(guard.Plan.IsEmpty);

        var hardened = GuardOnnxExport.Harden(OnnxModelFile.Read(ModelPath), guard.Plan, ModelPath);
        using var session = new OnnxClassifier(hardened, "hardened gtsrb-badnets-smallcnn");
        var access = guard.Plan.CreateAccess(model.LayerNames);
        var poisoned = PoisonedSets.PoisonedTestSet(split.Test, trigger, Target);
        int compared = 0, repairedToOther = 0;
        float worst = 0;
        foreach (var set in new[] { split.Test, poisoned })
            for (int start = 0; start < set.Count; start += Chunk)
            {
                var images = ImageBatches.From(set, Enumerable.Range(start, Math.Min(Chunk, set.Count - start)).ToArray());
                var logits = session.Logits(images);
                var labels = ModelPredictions.Argmax(logits);
                Assert.Equal(guard.Predict(images).Labels, labels);
                var expected = model.Forward(images, access);
                for (int i = 0; i < expected.Data.Length; i++)
                    worst = MathF.Max(worst, MathF.Abs(expected.Data[i] - logits.Data[i]));
                compared += labels.Length;
                if (ReferenceEquals(set, poisoned)) repairedToOther += labels.Count(l => l != Target);
            }
        output.WriteLine($"{guard.Plan}; {compared:N0} images compared; largest logit difference {worst:E2}; {repairedToOther:N0} of {poisoned.Count:N0} triggered images not sent to the target");
        Assert.Equal(split.Test.Count + poisoned.Count, compared);
        Assert.True(worst <= 1e-4f, $"A hardened logit differs from the guard's by {worst}.");
        Assert.True(repairedToOther > poisoned.Count / 2, "The repair left most triggered images at the target: the comparison would not tell a missing repair.");
    }
}
