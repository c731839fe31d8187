using Fire.Guard;

namespace Fire.Guard.Tests;

/// <summary>
/// Answers of a plan on a toy model whose values are worked by hand: features = x, hidden = 2x, logits = hidden (class c
/// scores hidden[c]). Each repair's direction has beta (2, 0) from the clean mean (1, 1), so its score is h[0] - 1; the
/// clean scores 0..4 give mean 2, std sqrt 2 and a gate threshold of 3.6 (as in <see cref="RepairArithmeticTests"/>).
/// </summary>
public class PlanPredictionsTests
{
    private static readonly CleanScoreStatistics Clean = CleanScoreStatistics.FromScores([0, 1, 2, 3, 4], 0.9f);

    private static LayerRepair Repair(string layer, RepairMode mode) => new(new TriggerDirection(layer, [2f, 0f], [1f, 1f]), Clean, mode, 1f);

    private static RepairPlan Plan(params LayerRepair[] repairs) => new(repairs, estimatedTarget: 0, observedCount: 10);

    private static CountingModel Model() => new(new ToyLayeredModel(2, 2, ("features", x => (float[])x.Clone()),
        ("hidden", x => x.Select(v => 2 * v).ToArray()), ("logits", x => (float[])x.Clone())));

    [Fact]
    public void AGatedPlanAnswersUnchangedRowsFromOneUnsplitPassAndRepairsOnlyTheRest()
    {
        using var model = Model();
        var plan = Plan(Repair("features", RepairMode.GatedTranslate));
        // [4, 3]: score 3 <= 3.6, untouched: logits (8, 6). [6, 5]: score 5, features (4, 5), logits (8, 10) against its own (12, 10).
        var answers = PlanPredictions.Predict(model, plan, ToyLayeredModel.Batch([4f, 3f], [6f, 5f]));

        Assert.Equal((0, 0, false), (answers[0].Label, answers[0].ModelLabel, answers[0].Repaired));
        Assert.Equal((1, 0, true), (answers[1].Label, answers[1].ModelLabel, answers[1].Repaired));
        Assert.Equal(1f / MathF.Sqrt(2f), answers[0].Score!.Value, 5); // (3 - 2) / sqrt 2
        Assert.Equal(3f / MathF.Sqrt(2f), answers[1].Score!.Value, 5);
        Assert.Equal(1f / (1f + MathF.Exp(-2f)), answers[0].Confidence, 5); // softmax of (8, 6)
        Assert.Equal(1f / (1f + MathF.Exp(-2f)), answers[1].Confidence, 5); // softmax of (8, 10)
        // Both rows unsplit, then only the changed row's repaired features through the rest of the network.
        Assert.Equal([2], model.PlainForwardRows);
        Assert.Empty(model.EditedForwardRows);
        Assert.Equal([1], model.TailRows);
    }

    [Fact]
    public void AGatedPlanAtTwoLayersScreensTheSecondLayerOnTheFirstOnesUnrepairedRows()
    {
        using var model = Model();
        var plan = Plan(Repair("features", RepairMode.GatedTranslate), Repair("hidden", RepairMode.GatedTranslate));
        // [2.5, 2.4]: features score 1.5 (gate shut), hidden (5, 4.8) score 4 (open): (3, 4.8), label 1 against its own 0.
        // [1, 1]: scores 0 and 1, untouched.
        var answers = PlanPredictions.Predict(model, plan, ToyLayeredModel.Batch([2.5f, 2.4f], [1f, 1f]));

        Assert.Equal((1, 0, true), (answers[0].Label, answers[0].ModelLabel, answers[0].Repaired));
        Assert.Equal(-0.5f / MathF.Sqrt(2f), answers[0].Score!.Value, 5); // the first repaired layer's score
        Assert.False(answers[1].Repaired);
        // A changed row is run again from its input: its repaired features change what the second layer sees.
        Assert.Equal([1], model.EditedForwardRows);
    }

    [Fact]
    public void AGatedBatchNoRepairChangesGoesThroughTheModelOnceUnsplit()
    {
        using var model = Model();
        var answers = PlanPredictions.Predict(model, Plan(Repair("features", RepairMode.GatedProjection)), ToyLayeredModel.Batch([1f, 3f], [3f, 1f]));

        Assert.Equal([1, 0], answers.Select(a => a.Label));
        Assert.All(answers, a => Assert.False(a.Repaired));
        Assert.Equal([2], model.PlainForwardRows);
        Assert.Empty(model.EditedForwardRows);
    }

    [Fact]
    public void AnUngatedPlanRepairsEveryRowInOnePassAndRunsTheChangedRowsTailsForTheModelsOwnLabel()
    {
        using var model = Model();
        // Translation moves both rows by (2, 0): [4, 3] -> (2, 3), label 1 against its own 0; [1, 5] -> (-1, 5), label 1 as its own.
        var answers = PlanPredictions.Predict(model, Plan(Repair("features", RepairMode.Translate)), ToyLayeredModel.Batch([4f, 3f], [1f, 5f]));

        Assert.Equal((1, 0, true), (answers[0].Label, answers[0].ModelLabel, answers[0].Repaired));
        Assert.Equal((1, 1, true), (answers[1].Label, answers[1].ModelLabel, answers[1].Repaired));
        Assert.Equal([2], model.EditedForwardRows);
        Assert.Empty(model.PlainForwardRows);
        Assert.Equal([2], model.TailRows);
    }

    /// <summary>Counts the rows of each call: forward passes without an edit, with one, and tails.</summary>
    [Fact]
    public void AnEngineThatSkipsTheReadersIsRefusedRatherThanLeftUnrepaired()
    {
        using var model = new CountingModel(new ToyLayeredModel(2, 2, ("features", x => (float[])x.Clone()), ("logits", x => (float[])x.Clone())))
            { IgnoresAccess = true };
        var plan = Plan(Repair("features", RepairMode.GatedTranslate));
        var error = Assert.Throws<InvalidOperationException>(() => PlanPredictions.Predict(model, plan, ToyLayeredModel.Batch([6f, 5f])));
        Assert.Contains("'features'", error.Message);
        Assert.Contains("does not honour LayerAccess readers", error.Message);
    }

    private sealed class CountingModel(ToyLayeredModel inner) : ILayeredModel
    {
        public List<int> PlainForwardRows { get; } = [];
        public List<int> EditedForwardRows { get; } = [];
        public List<int> TailRows { get; } = [];
        /// <summary>Acts as an engine that does not honour readers and taps.</summary>
        public bool IgnoresAccess { get; init; }
        public int[] InputShape => inner.InputShape;
        public int ClassCount => inner.ClassCount;
        public IReadOnlyList<string> LayerNames => inner.LayerNames;
        public IReadOnlyList<LayerInfo> DescribeLayers() => inner.DescribeLayers();

        public FloatBatch Forward(FloatBatch input, LayerAccess? access = null)
        {
            (access is { Editors.Count: > 0 } ? EditedForwardRows : PlainForwardRows).Add(input.Count);
            return inner.Forward(input, IgnoresAccess ? null : access);
        }

        public FloatBatch Head(FloatBatch input, string layer) => inner.Head(input, layer);

        public FloatBatch Tail(FloatBatch activation, string layer)
        {
            TailRows.Add(activation.Count);
            return inner.Tail(activation, layer);
        }

        public void Dispose() => inner.Dispose();
    }
}
