namespace Fire.Guard;

/// <summary>Runs an <see cref="ILayeredModel"/> over sets larger than one batch, bounding memory by the batch size.</summary>
internal static class ModelRunner
{
    /// <summary>Predictions and their confidences for whole images, with the layer edits of <paramref name="edits"/> (a fresh access per batch) when given.</summary>
    public static Outputs Predict(ILayeredModel model, FloatBatch images, int batchSize, Func<LayerAccess>? edits = null) =>
        Run(images, batchSize, chunk => model.Forward(chunk, edits?.Invoke()));

    private static Outputs Run(FloatBatch inputs, int batchSize, Func<FloatBatch, FloatBatch> logitsOf)
    {
        var outputs = new Outputs(new int[inputs.Count], new float[inputs.Count]);
        foreach (var (start, chunk) in BatchSlicing.Chunks(inputs, batchSize))
        {
            var logits = logitsOf(chunk);
            ModelPredictions.Argmax(logits).CopyTo(outputs.Labels, start);
            ModelPredictions.Confidences(logits).CopyTo(outputs.Confidences, start);
        }
        return outputs;
    }

    /// <summary>The activations of <paramref name="layer"/> for every image, (N, ...).</summary>
    public static FloatBatch Activations(ILayeredModel model, FloatBatch images, string layer, int batchSize)
    {
        FloatBatch? all = null;
        foreach (var (start, chunk) in BatchSlicing.Chunks(images, batchSize))
        {
            var part = model.Head(chunk, layer);
            all ??= new FloatBatch(new float[images.Count * part.SampleSize], [images.Count, .. part.SampleShape]);
            part.Data.CopyTo(all.Data, start * part.SampleSize);
        }
        return all ?? throw new ArgumentException("No images to run.");
    }

    /// <summary>
    /// One forward pass per batch with taps at <paramref name="layers"/>; <paramref name="visit"/> gets the batch's
    /// first row, its predictions and the tapped activations.
    /// </summary>
    public static void Tapped(ILayeredModel model, FloatBatch images, IReadOnlyList<string> layers, int batchSize,
        Action<int, int[], IReadOnlyDictionary<string, FloatBatch>> visit)
    {
        foreach (var (start, chunk) in BatchSlicing.Chunks(images, batchSize))
        {
            var access = new LayerAccess().Tap([.. layers]);
            var logits = model.Forward(chunk, access);
            visit(start, ModelPredictions.Argmax(logits), access.Captured);
        }
    }
}
