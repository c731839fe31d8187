using Fire.Guard;

namespace Fire.Guard.Tests;

/// <summary>The automatic choice ranks candidates by how confidently they restore a class, not only by leaving the target,
/// and, unpaired, by no more of a class than the clean reference makes plausible.</summary>
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
    /// same repair restores the class with the clean model's confidence. A bare repair rate ties the two; the
    /// confidence-weighted score ranks "early" well above "late".
    /// </summary>
    [Fact]
    public void AConfidentRestoreBeatsAMereEscapeFromTheTarget()
    {
        var model = new ToyLayeredModel(3, 3,
            ("early", x => (float[])x.Clone()),
            ("late", x => x[0] < 4 ? (float[])x.Clone() : [x[0], 0.1f * x[1], 0.1f * x[2]]),
            ("logits", x => (float[])x.Clone()));
        var (clean, labels) = Samples(40, trigger: 0f);
        var poisoned = Samples(20, trigger: 8f).Images;
        var selection = Select(model, clean, labels, poisoned);
        Assert.Equal("early", selection.Chosen!.Layer);
        var late = selection.Candidates.Where(c => c.Layer == "late" && c.Stage == 1).MaxBy(c => c.HeldOutRepairScore)!;
        Assert.Equal(1.0, late.HeldOutRepairRate);
        Assert.True(late.HeldOutRepairScore < selection.Chosen.HeldOutRepairScore - 0.2,
            $"late {late.HeldOutRepairScore:0.000}, early {selection.Chosen.HeldOutRepairScore:0.000}");
        Assert.InRange(selection.Chosen.HeldOutRepairScore, 0.9, selection.Chosen.HeldOutRepairRate);
        Assert.Equal(0.0, selection.UnrepairedRate);
        Assert.Equal(0.0, selection.UnrepairedScore);
    }

    /// <summary>Two identical layers give identical scores: the tie goes to the shallower one.</summary>
    [Fact]
    public void TiesGoToTheShallowerLayer()
    {
        var model = TwoIdentityLayers("first", "second");
        var (clean, labels) = Samples(40, trigger: 0f);
        var poisoned = Samples(20, trigger: 8f).Images;
        var selection = Select(model, clean, labels, poisoned);
        var second = selection.Candidates.Single(c => c.Layer == "second" && c.Stage == 1 && c.Mode == selection.Chosen!.Mode && c.Alpha == selection.Chosen.Alpha
                                                         && c.Density == selection.Chosen.Density);
        Assert.Equal(selection.Chosen!.HeldOutRepairScore, second.HeldOutRepairScore, 12);
        Assert.Equal("first", selection.Chosen.Layer);
    }

    [Fact]
    public void TheScoresStandardErrorIsTheSampleStandardDeviationOverRootN()
    {
        // Mean 0.5, sample variance (4 x 0.25) / 3 = 1/3, standard error sqrt(1/3 / 4).
        Assert.Equal(Math.Sqrt(1.0 / 12), RepairSelector.StandardError([1, 0, 1, 0]), 12);
        Assert.Equal(0, RepairSelector.StandardError([0.7, 0.7, 0.7]), 12);
        Assert.Equal(0, RepairSelector.StandardError([0.9]));
        Assert.Equal(0, RepairSelector.StandardError([]));
    }

    /// <summary>
    /// The reported standard error follows the spread of the repaired samples' confidences. With class evidence alternating
    /// between 4 and 1.5 (clean and triggered alike, so the direction is the trigger's alone), a restore gives confidences
    /// of about 0.98 and 0.81: an error near 0.09 / sqrt(20) = 0.02. With evidence 4 for every sample it is near 0.
    /// </summary>
    [Fact]
    public void TheReportedStandardErrorFollowsTheSpreadOfTheSamplesConfidences()
    {
        var model = TwoIdentityLayers("first", "second");
        Func<int, float> alternating = i => i % 2 == 0 ? 4f : 1.5f;
        var (spreadClean, spreadLabels) = Samples(40, trigger: 0f, evidence: alternating);
        var spread = Select(model, spreadClean, spreadLabels, Samples(20, trigger: 8f, evidence: alternating).Images).Chosen!;
        var (clean, labels) = Samples(40, trigger: 0f);
        var even = Select(model, clean, labels, Samples(20, trigger: 8f).Images);
        Assert.InRange(spread.HeldOutRepairScoreError, 0.015, 0.03);
        Assert.InRange(even.Chosen!.HeldOutRepairScoreError, 0, 0.006);
        Assert.Contains($"± {even.Chosen.HeldOutRepairScoreError:0.000}", even.ToString());
    }

    /// <summary>
    /// The held-out separation counts clean standard deviations, so a layer that only scales the one before it has the same;
    /// the trigger (+8 on x0, clean jitter of x0 at most 0.3) lies many of them out. Every mode and alpha at a layer shares it.
    /// </summary>
    [Fact]
    public void HeldOutSeparationIsTheSameForALayerThatOnlyScales()
    {
        var model = new ToyLayeredModel(3, 3, ("first", x => (float[])x.Clone()), ("scaled", x => x.Select(v => 3 * v).ToArray()),
            ("logits", x => (float[])x.Clone()));
        var (clean, labels) = Samples(40, trigger: 0f);
        var selection = Select(model, clean, labels, Samples(20, trigger: 8f).Images);
        double Separation(string layer) => selection.Candidates.Where(c => c.Layer == layer && c.Density == DirectionDensity.Dense)
            .Select(c => c.HeldOutSeparation!.Value).Distinct().Single();
        // Equal up to float32 rounding (the activations are float32: a relative 1e-7, not 6 decimals of a value near 30).
        Assert.Equal(1.0, Separation("scaled") / Separation("first"), 6);
        Assert.InRange(Separation("first"), 10, double.PositiveInfinity);
    }

    [Fact]
    public void ClassCapsAreTheBinomialMeanPlusTwoStandardDeviations()
    {
        // Target 0 left out; classes 1, 2, 3 hold 1/2, 1/4, 1/4 of the other labels; class 4 none.
        int[] labels = [0, 0, 0, 1, 1, 2, 3];
        var caps = ClassShareCaps.FromLabels(labels.Concat([1, 1, 2, 3]), target: 0, classCount: 5, count: 16);
        Assert.Equal(8 + 2 * Math.Sqrt(4), caps.Cap(1), 12);
        Assert.Equal(4 + 2 * Math.Sqrt(3), caps.Cap(2), 12);
        Assert.Equal(1, caps.Cap(0));
        Assert.Equal(1, caps.Cap(4));
        // 16 samples all in class 2 at confidence 0.9: 14.4 capped to 7.46; spread like the reference: nothing capped.
        Assert.Equal(4 + 2 * Math.Sqrt(3), caps.Credit(Enumerable.Repeat((2, 0.9f), 16)), 6);
        var spread = Enumerable.Repeat((1, 0.5f), 8).Concat(Enumerable.Repeat((2, 0.5f), 4)).Concat(Enumerable.Repeat((3, 0.5f), 4));
        Assert.Equal(8.0, caps.Credit(spread), 6);
        // A single observed sample is never capped below its confidence.
        Assert.Equal(0.8, ClassShareCaps.FromLabels(labels, 0, 5, count: 1).Credit([(4, 0.8f)]), 6);
    }

    /// <summary>
    /// Four classes, target 0; the trigger adds 8 to x0. Logits add 10 x relu(-x0 - 2) to class 3, so a repair that steps
    /// past the clean mean (alpha 1.5 takes x0 to about -4) sends every sample to class 3 with confidence near 1, above
    /// the about 0.95 of a true restore (alpha 1). Confidence alone picks the overshoot; the class-share cap lets class 3
    /// take credit for only about 15 of the 30 samples, so the choice restores.
    /// </summary>
    [Fact]
    public void AConfidentRepairIntoOneClassIsCappedByTheCleanClassShares()
    {
        var model = new ToyLayeredModel(4, 4,
            ("features", x => (float[])x.Clone()),
            ("logits", x => [x[0], x[1], x[2], x[3] + 10 * MathF.Max(0, -x[0] - 2)]));
        var (clean, labels) = Samples(60, trigger: 0f, classes: 4);
        var poisoned = Samples(30, trigger: 8f, classes: 4).Images;
        var selection = Select(model, clean, labels, poisoned);
        Assert.Equal(1f, selection.Chosen!.Alpha);
        var overshoot = selection.Candidates.Where(c => c.Alpha == 1.5f).MaxBy(c => c.HeldOutRepairScore)!;
        Assert.Equal(1.0, overshoot.HeldOutRepairRate);
        Assert.InRange(overshoot.HeldOutRepairScore, 0.45, 0.55);
        Assert.InRange(selection.Chosen.HeldOutRepairScore, 0.9, 1.0);
    }

    /// <summary>
    /// Three classes, target 0; the trigger adds 8 to x0 (even samples) or to x3 (odd ones), and "late" reads their
    /// maximum m as the target's evidence, erasing the class evidence while m &gt; 6. One direction at "early" points
    /// between the two axes and takes only half of either trigger away (m = 4: the class and the target tie); at "late"
    /// a repair finds the class evidence already erased, but scores better than early alone. Early then late restores
    /// the class: the choice must take late first, then add early, and must stop at late with the default of one layer.
    /// </summary>
    [Fact]
    public void TwoRepairsThatWorkOnlyTogetherAreStacked()
    {
        var model = new ToyLayeredModel(4, 3,
            ("early", x => (float[])x.Clone()),
            ("late", x => MathF.Max(x[0], x[3]) is var m && m > 6 ? [m, 0.1f * x[1], 0.1f * x[2]] : [m, x[1], x[2]]),
            ("logits", x => (float[])x.Clone()));
        var (clean, labels) = Samples(40, trigger: 0f, axes: 4);
        var poisoned = Samples(20, trigger: 8f, axes: 4, triggerAxis: i => i % 2 == 0 ? 0 : 3).Images;
        var options = new FireOptions { Alphas = [1f] };
        var stacked = Select(model, clean, labels, poisoned, options with { MaxRepairLayers = 2 });
        var single = Select(model, clean, labels, poisoned, options);
        Assert.Equal(["late", "early"], stacked.ChosenRepairs.Select(c => c.Layer));
        Assert.Equal(single.Chosen, stacked.Chosen);
        Assert.Empty(single.Stacked!);
        Assert.InRange(single.Chosen!.HeldOutRepairScore, 0.0, 0.6);
        Assert.InRange(stacked.ChosenRepairs[^1].HeldOutRepairScore, 0.9, 1.0);
        Assert.Equal(2, stacked.ChosenRepairs[^1].Stage);
        Assert.DoesNotContain(stacked.Candidates, c => c.Stage == 2 && c.Layer == "late");
    }

    [Fact]
    public void AStackedPlanSavesAndLoadsWithItsSelection()
    {
        var model = TwoIdentityLayers("early", "late");
        var (clean, labels) = Samples(40, trigger: 0f);
        using var guard = new FireGuard(model, new FireOptions { MaxRepairLayers = 2 });
        guard.FitClean(clean, labels);
        guard.Observe(Samples(20, trigger: 8f).Images);
        string path = Path.Combine(Path.GetTempPath(), $"fire-{Guid.NewGuid():N}.json");
        try
        {
            guard.Save(path);
            using var loaded = FireGuard.Load(path, model);
            Assert.Equal(guard.Plan.Repairs.Select(r => r.Layer), loaded.Plan.Repairs.Select(r => r.Layer));
            Assert.Equal(guard.Plan.Selection!.ChosenRepairs, loaded.Plan.Selection!.ChosenRepairs);
            Assert.Equal(guard.Plan.Selection.Candidates.Select(c => c.Stage), loaded.Plan.Selection.Candidates.Select(c => c.Stage));
            Assert.Contains(loaded.Plan.Selection.Candidates, c => c.Stage == 2);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Sparse candidates join only when every fold fits its direction on at least 2 samples (k = 2 has folds of 1). The
    /// trigger moves x0 alone: the sparse direction keeps x0 and drops the class axes, whose means differ only by chance.
    /// </summary>
    [Fact]
    public void SparseCandidatesNeedTwoSamplesPerFoldAndKeepOnlyTheTriggersCoordinates()
    {
        var model = TwoIdentityLayers("first", "second");
        var (clean, labels) = Samples(40, trigger: 0f);
        var two = Select(model, clean, labels, Samples(2, trigger: 8f).Images);
        Assert.DoesNotContain(two.Candidates, c => c.Density == DirectionDensity.Sparse);

        using var guard = new FireGuard(model);
        guard.FitClean(clean, labels);
        guard.Observe(Samples(20, trigger: 8f).Images);
        var candidates = guard.Plan.Selection!.Candidates;
        Assert.Equal(candidates.Count(c => c.Density == DirectionDensity.Dense), candidates.Count(c => c.Density == DirectionDensity.Sparse));
        var dense = guard.Direction("first").Beta;
        var sparse = guard.Direction("first", DirectionDensity.Sparse).Beta;
        Assert.True(dense[1] != 0 && dense[2] != 0, $"dense beta [{string.Join(", ", dense)}]");
        Assert.Equal([dense[0], 0f, 0f], sparse);
    }

    /// <summary>
    /// False flags: the flagged samples are plain clean images of class 2, so the "target" is 2 and the "direction" is class 2's
    /// own. With the target-likeness test and both clean guards off the choice repairs, and sends clean class-2 images elsewhere about as often as the flagged
    /// ones; the target-class guard (on by default) admits no candidate that moves them more than half as often, plus one image.
    /// </summary>
    [Fact]
    public void FlaggedImagesOfOneCleanClassAreNotRepairedAwayFromIt()
    {
        var model = TwoIdentityLayers("first", "second");
        var (clean, labels) = Samples(60, trigger: 0f, withTarget: true);
        var (all, allLabels) = Samples(60, trigger: 0f, withTarget: true, phase: 1.7f);
        var falseFlags = BatchOps.Rows(all, Enumerable.Range(0, all.Count).Where(i => allLabels[i] == 2).ToArray());
        var unguarded = Select(model, clean, labels, falseFlags, new FireOptions { MaxCleanAccuracyDrop = 1, MaxTargetClassDropRatio = 100, TargetLikenessLevel = 0 });
        Assert.Equal(2, unguarded.EstimatedTarget);
        Assert.InRange(unguarded.Chosen!.TargetClassDrop!.Value, 0.5 * unguarded.Chosen.HeldOutRepairRate + 0.05, 1.0);

        var guarded = Select(model, clean, labels, falseFlags, new FireOptions { MaxCleanAccuracyDrop = 1, TargetLikenessLevel = 0 });
        Assert.All(guarded.ChosenRepairs, c => Assert.InRange(c.TargetClassDrop!.Value, 0, 0.5 * c.HeldOutRepairRate + 0.05));
        Assert.Contains(guarded.Candidates, c => c.TargetClassDrop > 0.5 * c.HeldOutRepairRate + 0.05 && !c.Admissible);
    }

    /// <summary>
    /// The same false flags with the target-likeness test on (the default): another draw of class 2 looks like the reference's 20
    /// images of class 2 at both layers, so nothing is repaired and no candidate is scored; the guard file keeps the test.
    /// </summary>
    [Fact]
    public void FlaggedImagesThatLookLikeTheTargetsCleanImagesAreNotRepaired()
    {
        var model = TwoIdentityLayers("first", "second");
        var (clean, labels) = Samples(60, trigger: 0f, withTarget: true);
        var (all, allLabels) = Samples(60, trigger: 0f, withTarget: true, phase: 1.7f);
        using var guard = new FireGuard(model);
        guard.FitClean(clean, labels);
        guard.Observe(BatchOps.Rows(all, Enumerable.Range(0, all.Count).Where(i => allLabels[i] == 2).ToArray()));
        var selection = guard.Plan.Selection!;
        var likeness = selection.TargetLikeness!;
        Assert.True(likeness.LooksLikeTarget);
        Assert.Equal((20, 20), (likeness.FlaggedCount, likeness.TargetImageCount));
        Assert.Equal(["first", "second"], likeness.Layers!.Select(l => l.Layer));
        Assert.All(likeness.Layers!, l => Assert.True(l.PValue > 0.01 / 2, $"{l.Layer}: p = {l.PValue}"));
        Assert.Null(selection.Chosen);
        Assert.Empty(selection.Candidates);
        Assert.Contains("no trigger to repair", selection.ToString());
        Assert.True(guard.Plan.IsEmpty);

        string path = Path.Combine(Path.GetTempPath(), $"fire-{Guid.NewGuid():N}.json");
        try
        {
            guard.Save(path);
            using var loaded = FireGuard.Load(path, model);
            Assert.Equal(likeness.Layers, loaded.Plan.Selection!.TargetLikeness!.Layers);
            Assert.True(loaded.Plan.Selection.TargetLikeness.LooksLikeTarget);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A trigger's repair with clean images of the target in the reference: the flagged samples differ from them at once
    /// (no shuffle of 1999 lies as far apart), the repair is chosen, and leaves them (all but one in 20) on the target.</summary>
    [Fact]
    public void ATriggersRepairLeavesTheCleanTargetImagesAlone()
    {
        var model = TwoIdentityLayers("first", "second");
        var (clean, labels) = Samples(60, trigger: 0f, withTarget: true);
        var selection = Select(model, clean, labels, Samples(20, trigger: 8f).Images);
        Assert.Equal(0, selection.EstimatedTarget);
        Assert.False(selection.TargetLikeness!.LooksLikeTarget);
        Assert.Equal(1.0 / (TargetLikenessTest.Permutations + 1), selection.TargetLikeness.SmallestPValue);
        Assert.Equal(1.0, selection.Chosen!.HeldOutRepairRate);
        Assert.InRange(selection.Chosen.TargetClassDrop!.Value, 0, 0.05);
    }

    /// <summary>
    /// Mixed flags: 20 triggered samples and 20 clean ones of classes 1 and 2 (a detector's false positives). Only the 20 the
    /// model predicts as the target enter the direction and the score: the clean flags are not "repaired" for free (the
    /// unrepaired model scores 0) and do not shorten the direction, which equals the one from the triggered samples alone.
    /// </summary>
    [Fact]
    public void CleanFlagsAmongTheTriggeredSamplesEnterNeitherTheDirectionNorTheScore()
    {
        var model = TwoIdentityLayers("first", "second");
        var (clean, labels) = Samples(60, trigger: 0f);
        var triggered = Samples(20, trigger: 8f).Images;
        using var mixed = new FireGuard(model);
        mixed.FitClean(clean, labels);
        mixed.Observe(BatchOps.Concat([triggered, Samples(20, trigger: 0f, phase: 0.9f).Images]));
        var selection = mixed.Plan.Selection!;
        Assert.Equal((40, 0), (selection.ObservedCount, selection.EstimatedTarget));
        Assert.Equal(0.0, selection.UnrepairedRate);
        Assert.Equal(1.0, selection.Chosen!.HeldOutRepairRate);

        using var alone = new FireGuard(model);
        alone.FitClean(clean, labels);
        alone.Observe(triggered);
        Assert.Equal(alone.Direction("first").Beta, mixed.Direction("first").Beta);
    }

    /// <summary>
    /// The clean guard reads the whole reference (60 images), not only its held-out part (18): the walk reads many candidates'
    /// drops and keeps the best that passes, so on few images it kept one whose drop read low by chance (docs/fire-false-flags.md).
    /// An ungated translation by the trigger's direction moves every clean image of the target, a third of the reference, off it
    /// and no other, so the drop is exactly 20 / 60.
    /// </summary>
    [Fact]
    public void TheCleanDropIsReadOnTheWholeReference()
    {
        var model = TwoIdentityLayers("first", "second");
        var (clean, labels) = Samples(60, trigger: 0f, withTarget: true);
        var options = new FireOptions
        {
            Modes = [RepairMode.Translate], Alphas = [1f], Densities = [DirectionDensity.Dense],
            MaxCleanAccuracyDrop = 1, MaxTargetClassDropRatio = 100, TargetLikenessLevel = 0,
        };
        var selection = Select(model, clean, labels, Samples(20, trigger: 8f).Images, options);
        Assert.Equal((60, 1.0), (selection.CleanCount, selection.CleanAccuracy));
        Assert.Equal(20.0 / 60, selection.Chosen!.CleanAccuracyDrop!.Value, 12);
    }

    /// <summary>Three classes; two identity layers, then logits = the input (class c scores x[c]).</summary>
    private static ToyLayeredModel TwoIdentityLayers(string first, string second) =>
        new(3, 3, (first, x => (float[])x.Clone()), (second, x => (float[])x.Clone()), ("logits", x => (float[])x.Clone()));

    /// <summary>The automatic choice after fitting the clean reference and observing the poisoned samples (unpaired).</summary>
    private static SelectionReport Select(ToyLayeredModel model, FloatBatch clean, int[] labels, FloatBatch poisoned, FireOptions? options = null)
    {
        using var guard = new FireGuard(model, options);
        guard.FitClean(clean, labels);
        guard.Observe(poisoned);
        return guard.Plan.Selection!;
    }

    /// <summary>
    /// Samples of classes 1 .. classes - 1 in turn (0 .. classes - 1 <paramref name="withTarget"/>), each at <paramref name="evidence"/>(sample) (default 4) on its own axis (axes = input
    /// size, at least classes) with a fixed jitter of up to 0.3; the trigger adds to axis <paramref name="triggerAxis"/>(sample), by
    /// default x0, the target's. <paramref name="phase"/> shifts the jitter (another draw of the same classes).
    /// </summary>
    internal static (FloatBatch Images, int[] Labels) Samples(int count, float trigger, int classes = 3, int? axes = null, Func<int, int>? triggerAxis = null,
        Func<int, float>? evidence = null, bool withTarget = false, float phase = 0f)
    {
        var rows = new float[count][];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = withTarget ? i % classes : 1 + i % (classes - 1);
            rows[i] = new float[axes ?? classes];
            for (int axis = 0; axis < rows[i].Length; axis++) rows[i][axis] = 0.3f * MathF.Sin(7.1f * i + 2.3f * axis + phase) + (axis == labels[i] ? evidence?.Invoke(i) ?? 4f : 0f);
            rows[i][triggerAxis?.Invoke(i) ?? 0] += trigger;
        }
        return (ToyLayeredModel.Batch(rows), labels);
    }
}
