namespace Fire.Evaluation.Streams;

/// <summary>A figure along a stream: after the first <see cref="Position"/> inputs, the rolling CA over the last clean
/// inputs and the rolling ASR and PA over the last triggered inputs (<see cref="StreamWindows"/>; fewer at the start;
/// NaN before the first such input).</summary>
public sealed record StreamCurvePoint(int Position, double CleanAccuracy, double AttackSuccessRate, double PoisonedAccuracy);

public static class StreamCurve
{
    /// <summary>The rolling figures of <paramref name="run"/> every <paramref name="step"/> inputs (and at its end).</summary>
    public static IReadOnlyList<StreamCurvePoint> Of(StreamRun run, StreamWindows windows, int step)
    {
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), $"A curve step must be at least 1 input, got {step}.");
        var inputs = run.Inputs;
        var clean = new List<bool>();
        var target = new List<bool>();
        var correct = new List<bool>();
        var points = new List<StreamCurvePoint>();
        for (int n = 0; n < inputs.Count; n++)
        {
            if (inputs[n].Triggered)
            {
                target.Add(run.Answers[n] == run.Target);
                correct.Add(run.Answers[n] == inputs[n].Label);
            }
            else clean.Add(run.Answers[n] == inputs[n].Label);
            if ((n + 1) % step == 0 || n == inputs.Count - 1)
                points.Add(new StreamCurvePoint(n + 1, Tail(clean, windows.Clean), Tail(target, windows.Triggered), Tail(correct, windows.Triggered)));
        }
        return points;
    }

    /// <summary>The mean of several streams' curves of the same length and step, point by point (NaN where any is NaN).</summary>
    public static IReadOnlyList<StreamCurvePoint> Mean(IReadOnlyList<IReadOnlyList<StreamCurvePoint>> curves)
    {
        if (curves.Count == 0) throw new ArgumentException("No curves to average.");
        if (curves.Any(c => c.Count != curves[0].Count)) throw new ArgumentException("Curves of different lengths cannot be averaged point by point.");
        return Enumerable.Range(0, curves[0].Count).Select(i => new StreamCurvePoint(curves[0][i].Position,
            curves.Average(c => c[i].CleanAccuracy), curves.Average(c => c[i].AttackSuccessRate), curves.Average(c => c[i].PoisonedAccuracy))).ToList();
    }

    private static double Tail(List<bool> values, int window)
    {
        int count = Math.Min(window, values.Count);
        if (count == 0) return double.NaN;
        int hits = 0;
        for (int i = values.Count - count; i < values.Count; i++) if (values[i]) hits++;
        return (double)hits / count;
    }
}
