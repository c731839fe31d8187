using System.Runtime.CompilerServices;
using System.Text.Json;
using Fire.Guard;

namespace Fire.Guard.Tests;

/// <summary>
/// The automatic choice pinned to what it gave when its stages were split out of one method (issue 34): the whole chosen plan
/// (layers, settings, directions, clean statistics) and the whole report (every candidate's scores, guards and stage), as
/// exact JSON, on a managed model whose arithmetic is deterministic. A refactor of the selector must leave this file unchanged;
/// a deliberate change of the choice rewrites it (the test leaves the new text beside the old for review).
/// </summary>
public class SelectionPinTests
{
    /// <summary>
    /// Four inputs, three classes, target 0. The trigger adds 8 to x0 (even samples) or x3 (odd ones); "mid" reads their maximum
    /// as the target's evidence and erases the class evidence above 6; "late" squashes the class axes, so its repairs restore
    /// with less confidence. Clean images of the target are in the reference, so both clean guards and the target-likeness
    /// test read real values; every mode, three alphas and both densities are candidates, and a second layer may be stacked.
    /// </summary>
    private static ToyLayeredModel ThreeLayers() => new(4, 3,
        ("early", x => (float[])x.Clone()),
        ("mid", x => MathF.Max(x[0], x[3]) is var m && m > 6 ? [m, 0.1f * x[1], 0.1f * x[2], 0.5f * x[3]] : [m, x[1], x[2], 0.5f * x[3]]),
        ("late", x => [x[0], MathF.Tanh(x[1] / 2) * 4, MathF.Tanh(x[2] / 2) * 4, x[3]]),
        ("logits", x => [x[0], x[1], x[2]]));

    private static readonly FireOptions Stacking = new()
    {
        Modes = RepairModes.All, Alphas = [0.5f, 1f, 1.5f], Densities = DirectionDensities.All, MaxRepairLayers = 2,
    };

    private static int TriggerAxis(int sample) => sample % 2 == 0 ? 0 : 3;

    [Fact]
    public void UnpairedStackedChoiceIsUnchanged()
    {
        var model = ThreeLayers();
        var (clean, labels) = SelectionTests.Samples(60, trigger: 0f, axes: 4, withTarget: true);
        var poisoned = SelectionTests.Samples(20, trigger: 8f, axes: 4, triggerAxis: TriggerAxis, phase: 0.4f).Images;
        using var guard = new FireGuard(model, Stacking);
        guard.FitClean(clean, labels);
        guard.Observe(poisoned);
        AssertPinned("selection-pin-unpaired.json", guard.Plan);
    }

    [Fact]
    public void PairedStackedChoiceIsUnchanged()
    {
        var model = ThreeLayers();
        var (clean, labels) = SelectionTests.Samples(60, trigger: 0f, axes: 4, withTarget: true);
        var originals = SelectionTests.Samples(20, trigger: 0f, axes: 4, phase: 0.4f).Images;
        var poisoned = SelectionTests.Samples(20, trigger: 8f, axes: 4, triggerAxis: TriggerAxis, phase: 0.4f).Images;
        using var guard = new FireGuard(model, Stacking);
        guard.FitClean(clean, labels);
        guard.ObservePairs(originals, poisoned);
        AssertPinned("selection-pin-paired.json", guard.Plan);
    }

    /// <summary>
    /// Guard files written before the split (without samples: options, means, plan and report) load to the same plan and report,
    /// and a fixed plan's settings load as they were given. They were written by FireGuard.Save(path, includeSamples: false) from
    /// the guard of <see cref="UnpairedStackedChoiceIsUnchanged"/> and from one with the fixed plan below on the same samples.
    /// </summary>
    [Fact]
    public void GuardFilesWrittenBeforeTheSplitLoadUnchanged()
    {
        var model = ThreeLayers();
        using var chosen = FireGuard.Load(Path.Combine(SourceDirectory(), "Pins", "guard-unpaired-before-split.json"), model);
        AssertPinned("selection-pin-unpaired.json", chosen.Plan);

        using var fixedGuard = FireGuard.Load(Path.Combine(SourceDirectory(), "Pins", "guard-fixed-before-split.json"), model);
        Assert.Equal([("early", RepairMode.GatedTranslate, 1f, DirectionDensity.Dense), ("late", RepairMode.Translate, 0.5f, DirectionDensity.Sparse)],
            fixedGuard.Options.FixedPlan!.Select(s => (s.Layer, s.Mode, s.Alpha, s.Density)));
        Assert.Equal(fixedGuard.Options.FixedPlan!.Select(s => (s.Layer, s.Mode, s.Alpha, s.Density)),
            fixedGuard.Plan.Repairs.Select(r => (r.Layer, r.Mode, r.Alpha, r.Density)));
        Assert.Null(fixedGuard.Plan.Selection);
    }

    /// <summary>The plan and its report as JSON (exact floats and doubles), compared with the pinned file beside this source.</summary>
    private static void AssertPinned(string name, RepairPlan plan)
    {
        var repairs = plan.Repairs.Select(r => new
        {
            r.Layer, r.Mode, r.Alpha, r.Density, r.Direction.Beta, r.Direction.CleanMean, r.CleanScores,
        });
        string actual = JsonSerializer.Serialize(new { Plan = plan.ToString(), plan.EstimatedTarget, plan.ObservedCount, Repairs = repairs, plan.Selection },
            FireJson.Options).ReplaceLineEndings("\n") + "\n";
        string path = Path.Combine(SourceDirectory(), "Pins", name);
        string expected = File.Exists(path) ? File.ReadAllText(path) : "";
        if (actual == expected) return;
        string written = Path.Combine(Path.GetTempPath(), $"{name}.{Guid.NewGuid():N}.actual");
        File.WriteAllText(written, actual);
        var (expectedLines, actualLines) = (expected.Split('\n'), actual.Split('\n'));
        int line = Enumerable.Range(0, Math.Min(expectedLines.Length, actualLines.Length)).FirstOrDefault(i => expectedLines[i] != actualLines[i], -1);
        Assert.Fail(line < 0
            ? $"'{path}' differs in length from the choice made now ({expectedLines.Length} and {actualLines.Length} lines); the new text is in '{written}'."
            : $"'{path}' line {line + 1}: pinned '{expectedLines[line].Trim()}', now '{actualLines[line].Trim()}'; the new text is in '{written}'.");
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
