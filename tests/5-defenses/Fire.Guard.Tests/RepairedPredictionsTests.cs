using Fire.Guard;

namespace Fire.Guard.Tests;

/// <summary>
/// <see cref="RepairedPredictions.AtLayer"/> on the identity model (logits = features): beta = (2, 0), clean mean (1, 1), so a
/// row's score is h[0] - 1; clean scores 0..4 put the gate at 3.6.
/// </summary>
public class RepairedPredictionsTests
{
    private static readonly TriggerDirection Direction = new("features", [2f, 0f], [1f, 1f]);
    private static readonly CleanScoreStatistics Clean = CleanScoreStatistics.FromScores([0, 1, 2, 3, 4], 0.9f);

    // Scores 3, 4, -0.5, 0, 5: translation moves every row by (-2, 0); the gate passes rows 1 and 4 only.
    private static readonly FloatBatch Activations = new([4, 3, 5, 4, 0.5f, 0, 1, 2, 6, 1], [5, 2]);

    [Fact]
    public void ChangedRowsGoThroughTheTailAtMostABatchAtATimeWithTheSameResults()
    {
        var repairs = new[] { new LayerRepair(Direction, Clean, RepairMode.Translate, 1f), new LayerRepair(Direction, Clean, RepairMode.GatedTranslate, 1f) };
        var unrepaired = new Outputs([0, 0, 0, 1, 0], [0.5f, 0.5f, 0.5f, 0.5f, 0.5f]);
        using var model = new TailRecorder(ToyLayeredModel.Identity(2));

        var chunked = RepairedPredictions.AtLayer(model, repairs, Activations, unrepaired, batchSize: 2);
        Assert.Equal([2, 2, 2, 1], model.TailRows); // 5 translated rows and 2 gated ones
        model.TailRows.Clear();
        var whole = RepairedPredictions.AtLayer(model, repairs, Activations, unrepaired, batchSize: 100);
        Assert.Equal([7], model.TailRows);

        Assert.Equal([1, 1, 1, 1, 0], chunked[0].Labels); // (2, 3), (3, 4), (-1.5, 0), (-1, 2), (4, 1)
        Assert.Equal([0, 1, 0, 1, 0], chunked[1].Labels); // rows 0, 2 and 3 keep the unrepaired output
        Assert.Equal([0.5f, 0.5f, 0.5f], new[] { chunked[1].Confidences[0], chunked[1].Confidences[2], chunked[1].Confidences[3] });
        Assert.Equal(1 / (1 + MathF.Exp(-1)), chunked[1].Confidences[1], 6); // softmax of (3, 4)
        for (int r = 0; r < repairs.Length; r++)
        {
            Assert.Equal(whole[r].Labels, chunked[r].Labels);
            Assert.Equal(whole[r].Confidences, chunked[r].Confidences);
        }
        Assert.Equal([0, 0, 0, 1, 0], unrepaired.Labels); // the unrepaired outputs are copied, not edited

        int[] rows = [4, 1, 2];
        var some = RepairedPredictions.AtLayer(model, repairs, Activations, unrepaired.Rows(rows), batchSize: 2, rows);
        for (int r = 0; r < repairs.Length; r++)
        {
            Assert.Equal(rows.Select(row => whole[r].Labels[row]), some[r].Labels);
            Assert.Equal(rows.Select(row => whole[r].Confidences[row]), some[r].Confidences);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => RepairedPredictions.AtLayer(model, repairs, Activations, unrepaired, batchSize: 0));
        Assert.Throws<ArgumentException>(() => RepairedPredictions.AtLayer(model, repairs, Activations, unrepaired, batchSize: 2, rows));
    }

    [Fact]
    public void ChangedRowsAreNotGatheredIntoOneCopy()
    {
        const int rows = 1000, size = 1000; // 4 MB of activations, every row translated
        var beta = new float[size];
        beta[0] = 1;
        var repair = new LayerRepair(new TriggerDirection("features", beta, new float[size]), Clean, RepairMode.Translate, 1f);
        var activations = new FloatBatch(new float[rows * size], [rows, size]);
        var unrepaired = new Outputs(new int[rows], new float[rows]);
        using var model = new TailRecorder(ToyLayeredModel.Identity(size), logitsOnly: true);
        RepairedPredictions.AtLayer(model, [repair], activations, unrepaired, batchSize: 10); // warm-up

        long before = GC.GetAllocatedBytesForCurrentThread();
        RepairedPredictions.AtLayer(model, [repair], activations, unrepaired, batchSize: 10);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 500_000, $"{allocated:N0} bytes allocated for 4 MB of changed rows in batches of 10");
    }

    /// <summary>The inner model, recording how many rows each tail call gets.</summary>
    /// <param name="logitsOnly">Tail returns zero logits without running the inner model (whose copies would hide the caller's).</param>
    private sealed class TailRecorder(ILayeredModel inner, bool logitsOnly = false) : ILayeredModel
    {
        public List<int> TailRows { get; } = [];
        public int[] InputShape => inner.InputShape;
        public int ClassCount => inner.ClassCount;
        public IReadOnlyList<string> LayerNames => inner.LayerNames;
        public IReadOnlyList<LayerInfo> DescribeLayers() => inner.DescribeLayers();
        public FloatBatch Forward(FloatBatch input, LayerAccess? access = null) => inner.Forward(input, access);
        public FloatBatch Head(FloatBatch input, string layer) => inner.Head(input, layer);

        public FloatBatch Tail(FloatBatch activation, string layer)
        {
            TailRows.Add(activation.Count);
            return logitsOnly ? new FloatBatch(new float[activation.Count * 2], [activation.Count, 2]) : inner.Tail(activation, layer);
        }

        public void Dispose() => inner.Dispose();
    }
}
