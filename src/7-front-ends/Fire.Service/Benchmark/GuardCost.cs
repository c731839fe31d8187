using System.Diagnostics;
using Fire.Data.Imaging;
using Fire.Guard;
using Fire.Service.Inputs;

namespace Fire.Service.Benchmark;

/// <summary>
/// The guard on the model alone at one batch size: the median call time of the bare forward pass and of the guarded call
/// the service makes (<see cref="PlanPredictions.Predict"/> with the guard's plan), and the managed memory one guarded call
/// allocates. No HTTP, no batching, no flags: what the guard adds to each model call, apart from the load.
/// </summary>
public sealed record GuardCost(int Batch, double BareMs, double GuardedMs, double GuardedKiBAllocated)
{
    public double Ratio => GuardedMs / BareMs;

    /// <summary>
    /// Times <paramref name="plan"/> against the bare model on batches of <paramref name="pool"/>'s first rows: 20 warm-up
    /// calls each, then <paramref name="rounds"/> rounds that alternate a run of calls of each (a change in the machine's load
    /// falls on both alike); each side's time is the median over rounds of its mean call time in a round.
    /// </summary>
    public static IReadOnlyList<GuardCost> Measure(ILayeredModel model, RepairPlan plan, FloatBatch pool, IReadOnlyList<int> batchSizes, int rounds = 10, int callsPerRound = 30)
    {
        if (pool.Count == 0) throw new ArgumentException("The guard's cost needs at least one image.");
        var costs = new List<GuardCost>();
        foreach (int batch in batchSizes)
        {
            var images = new FloatBatch(new float[batch * pool.SampleSize], [batch, .. pool.SampleShape]);
            for (int i = 0; i < batch; i++) pool.Sample(i % pool.Count).CopyTo(images.Sample(i));
            void Bare() => model.Forward(images);
            void Guarded() => PlanPredictions.Predict(model, plan, images);
            for (int i = 0; i < 20; i++) { Bare(); Guarded(); }
            var bare = new double[rounds];
            var guarded = new double[rounds];
            for (int round = 0; round < rounds; round++)
            {
                bare[round] = MeanCallMs(Bare, callsPerRound);
                guarded[round] = MeanCallMs(Guarded, callsPerRound);
            }
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < callsPerRound; i++) Guarded();
            double kib = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)callsPerRound / 1024;
            costs.Add(new GuardCost(batch, Quantiles.Of(bare, 0.5), Quantiles.Of(guarded, 0.5), kib));
        }
        return costs;
    }

    /// <summary>Encoded images (PNG and the other formats the service reads) as one batch of the model's input shape.</summary>
    public static FloatBatch Decode(IReadOnlyList<byte[]> encoded, int[] inputShape)
    {
        int size = inputShape.Aggregate(1, (a, d) => a * d);
        var data = new float[encoded.Count * size];
        for (int i = 0; i < encoded.Count; i++)
            ImageInputReader.Fit(ImageDecoder.Decode(encoded[i], $"request image {i + 1}"), inputShape).CopyTo(data, i * size);
        return new FloatBatch(data, [encoded.Count, .. inputShape]);
    }

    private static double MeanCallMs(Action call, int calls)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++) call();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds / calls;
    }
}
