namespace Fire.Guard.Tests;

/// <summary>
/// A managed <see cref="ILayeredModel"/> whose layers are plain functions of a flattened row, so estimation and
/// repair can be checked against values computed by hand. Input (N, 1, 1, D).
/// </summary>
internal sealed class ToyLayeredModel : ILayeredModel
{
    private readonly (string Name, Func<float[], float[]> Stage)[] _stages;

    public ToyLayeredModel(int inputSize, int classCount, params (string Name, Func<float[], float[]> Stage)[] stages)
    {
        InputShape = [1, 1, inputSize];
        ClassCount = classCount;
        _stages = stages;
    }

    /// <summary>features = x (identity), logits = W x with rows of W picking out coordinates: class c scores x[c].</summary>
    public static ToyLayeredModel Identity(int size) =>
        new(size, size, ("features", x => (float[])x.Clone()), ("logits", x => (float[])x.Clone()));

    public int[] InputShape { get; }
    public int ClassCount { get; }
    public IReadOnlyList<string> LayerNames => _stages.Select(s => s.Name).ToList();

    public IReadOnlyList<LayerInfo> DescribeLayers()
    {
        var x = new float[InputShape[2]];
        return _stages.Select(s => new LayerInfo(s.Name, [(x = s.Stage(x)).Length])).ToList();
    }

    public FloatBatch Forward(FloatBatch input, LayerAccess? access = null) => Run(input, 0, _stages.Length, access);

    public FloatBatch Head(FloatBatch input, string layer) => Run(input, 0, Index(layer) + 1, null);

    public FloatBatch Tail(FloatBatch activation, string layer) => Run(activation, Index(layer) + 1, _stages.Length, null);

    private FloatBatch Run(FloatBatch input, int from, int to, LayerAccess? access)
    {
        var rows = Enumerable.Range(0, input.Count).Select(i => input.Sample(i).ToArray()).ToArray();
        for (int s = from; s < to; s++)
        {
            rows = rows.Select(_stages[s].Stage).ToArray();
            var batch = new FloatBatch(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
            if (access is null) continue;
            if (access.Editors.TryGetValue(_stages[s].Name, out var editor)) editor(batch.AsSpan());
            if (access.Taps.Contains(_stages[s].Name)) access.Capture(_stages[s].Name, batch);
            rows = Enumerable.Range(0, batch.Count).Select(i => batch.Sample(i).ToArray()).ToArray();
        }
        return new FloatBatch(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
    }

    private int Index(string layer)
    {
        int index = Array.FindIndex(_stages, s => s.Name == layer);
        return index >= 0 ? index : throw new ArgumentException($"Unknown layer '{layer}'.");
    }

    public void Dispose() { }

    /// <summary>Images (N, 1, 1, D) from rows.</summary>
    public static FloatBatch Batch(params float[][] rows) => new(rows.SelectMany(r => r).ToArray(), [rows.Length, 1, 1, rows[0].Length]);
}
