using Fire.Engines.Torch;
using Fire.Engines.Torch.Export;
using Fire.Evaluation.Latency;
using Onnx;

namespace Fire.Evaluation.Tests.Latency;

/// <summary>The plain / hardened comparison that <c>fire guard export --bench</c> and docs/onnx.md print.</summary>
public class HardenedLatencyTests
{
    [Fact]
    public void Both_graphs_are_timed_at_both_batch_sizes_against_the_plain_one()
    {
        TorchSharp.torch.manual_seed(0);
        using var net = new TorchLayeredModel(ModelZoo.Create("small-cnn", 1, 28, 28, 10, new Fire.Data.Normalization([0.5f], [0.25f])), ownsNet: true);
        var plain = ZooOnnxExport.Export(net.Net);
        // Any second graph will do for the bookkeeping: the plain one with its logits doubled.
        var doubled = plain.Clone();
        string logits = doubled.Graph.Output[0].Name;
        var producer = doubled.Graph.Node.Single(n => n.Output.Contains(logits));
        producer.Output[producer.Output.IndexOf(logits)] = "undoubled";
        doubled.Graph.Node.Add(new NodeProto { OpType = "Add", Name = "double", Input = { "undoubled", "undoubled" }, Output = { logits } });

        var report = HardenedLatency.Compare(plain, doubled, [1, 28, 28], threads: 1, new LatencyOptions(WarmupRuns: 1, TimedRuns: 3, MinTimedSeconds: 0));

        Assert.Equal(HardenedLatency.Plain, report.Baseline);
        Assert.Equal([1, 128], report.BatchSizes);
        foreach (int batch in report.BatchSizes)
        {
            Assert.Equal(1.0, report.Row(HardenedLatency.Plain, batch).Ratio);
            var hardened = report.Row(HardenedLatency.Hardened, batch);
            Assert.True(hardened.Stats.MedianMs > 0 && double.IsFinite(hardened.Ratio) && hardened.Ratio > 0, $"batch {batch}: {hardened}");
        }
    }
}
