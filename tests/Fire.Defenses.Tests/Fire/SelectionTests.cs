using Fire.Defenses.Baselines;
using Fire.Defenses.LatentRepair;
using Fire.Models.Layers;

namespace Fire.Defenses.Tests.LatentRepair;

/// <summary>The automatic choice ranks candidates by how confidently they restore a class, not only by leaving the target.</summary>
public class SelectionTests
{
    [Fact]
    public void ConfidencesAreTheSoftmaxProbabilityOfTheArgmax()
    {
        var logits = new FloatBatch([0f, 0f, 0f, 2f, 0f, 0f, 1000f, -1000f, 0f], [3, 3]);
        var confidences = ModelPredictions.Confidences(logits);
        Assert.Equal(1f / 3f, confidences[0], 6);
        Assert.Equal((float)(Math.Exp(2) / (Math.Exp(2) + 2)), confidences[1], 6);
        Assert.Equal(1f, confidences[2], 6); // no overflow on large logits
    }

    /// <summary>
    /// Three classes, target 0. The trigger adds 8 to x0. The "late" layer keeps a sample's class evidence only while
    /// x0 is small, so a triggered sample reaches it with most of its class erased: a repair there moves it off the
    /// target (every sample counts as repaired) but into a region the model is unsure of. At "early" (the input) the
    /// same repair restores the class with the clean model's confidence. A bare repair rate ties the two, and the
    /// tie-break's deeper-layer rule would pick "late"; the confidence-weighted score picks "early".
    /// </summary>
    [Fact]
    public void AConfidentRestoreBeatsAMereEscapeFromTheTarget()
    {
        var model = new ToyLayeredModel(3, 3,
            ("early", x => (float[])x.Clone()),
            ("late", x => x[0] < 4 ? (float[])x.Clone() : [x[0], 0.1f * x[1], 0.1f * x[2]]),
            ("logits", x => (float[])x.Clone()));
        var (clean, labels) = Samples(40, trigger: 0f);
        var (poisoned, _) = Samples(20, trigger: 8f);
        using var guard = new FireGuard(model);
        guard.FitClean(clean, labels);
        guard.Observe(poisoned);

        var selection = guard.Plan.Selection!;
        Assert.Equal("early", selection.Chosen!.Layer);
        var late = selection.Candidates.Where(c => c.Layer == "late").MaxBy(c => c.HeldOutRepairScore)!;
        Assert.Equal(1.0, late.HeldOutRepairRate);
        Assert.True(late.HeldOutRepairScore < selection.Chosen.HeldOutRepairScore - 0.2,
            $"late {late.HeldOutRepairScore:0.000}, early {selection.Chosen.HeldOutRepairScore:0.000}");
        Assert.InRange(selection.Chosen.HeldOutRepairScore, 0.9, selection.Chosen.HeldOutRepairRate);
        Assert.Equal(0.0, selection.UnrepairedRate);
        Assert.Equal(0.0, selection.UnrepairedScore);
    }

    /// <summary>Classes 1 and 2 alternating at (0, 4, 0) and (0, 0, 4) with a fixed jitter of up to 0.3; the trigger adds to x0.</summary>
    private static (FloatBatch Images, int[] Labels) Samples(int count, float trigger)
    {
        var rows = new float[count][];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = 1 + i % 2;
            float Jitter(int axis) => 0.3f * MathF.Sin(7.1f * i + 2.3f * axis);
            rows[i] = [trigger + Jitter(0), (labels[i] == 1 ? 4f : 0f) + Jitter(1), (labels[i] == 2 ? 4f : 0f) + Jitter(2)];
        }
        return (ToyLayeredModel.Batch(rows), labels);
    }
}
