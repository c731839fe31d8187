namespace Fire.Core;

/// <summary>Class predictions of an <see cref="ILayeredModel"/>, run in chunks so large batches stay within memory.</summary>
public static class ModelPredictions
{
    public const int DefaultChunkSize = 256;

    public static int[] Predict(ILayeredModel model, FloatBatch images, Func<LayerAccess>? access = null, int chunkSize = DefaultChunkSize)
    {
        var labels = new int[images.Count];
        foreach (var (start, chunk) in BatchSlicing.Chunks(images, chunkSize))
            Argmax(model.Forward(chunk, access?.Invoke())).CopyTo(labels, start);
        return labels;
    }

    /// <summary>Row-wise argmax of (N, classes) logits; the first maximum wins ties, like PyTorch.</summary>
    public static int[] Argmax(FloatBatch logits)
    {
        int classes = logits.SampleSize;
        var labels = new int[logits.Count];
        for (int n = 0; n < logits.Count; n++)
        {
            var row = logits.Sample(n);
            int best = 0;
            for (int k = 1; k < classes; k++) if (row[k] > row[best]) best = k;
            labels[n] = best;
        }
        return labels;
    }

    /// <summary>Row-wise softmax probability of the arg-max class of (N, classes) logits: the model's confidence in its prediction.</summary>
    public static float[] Confidences(FloatBatch logits)
    {
        var confidences = new float[logits.Count];
        for (int n = 0; n < logits.Count; n++)
        {
            var row = logits.Sample(n);
            float max = float.NegativeInfinity;
            foreach (float z in row) max = Math.Max(max, z);
            double sum = 0;
            foreach (float z in row) sum += Math.Exp(z - max);
            confidences[n] = (float)(1 / sum);
        }
        return confidences;
    }
}
