using Fire.Engines.Torch;
using static TorchSharp.torch;

namespace Fire.Defenses.Baselines;

/// <summary>
/// Grad-CAM (Selvaraju et al., ICCV 2017) at one layer of a <see cref="LayeredNet"/>: for class c and the layer's
/// activation A (channels k, positions i, j), weights a_k = mean_ij dy_c/dA_k(i,j) and map = ReLU(sum_k a_k A_k).
/// TorchSharp has no backward hooks, so the network is split at the layer: the head runs without gradients, its
/// output becomes a leaf that requires gradients, the tail runs on it and autograd.grad gives dy_c/dA.
/// Samples are independent in eval mode, so one backward pass over the summed class scores serves a whole batch.
/// </summary>
public sealed class GradCam
{
    private readonly LayeredNet _net;

    public GradCam(LayeredNet net, string layer)
    {
        _net = net;
        _net.LayerIndex(layer);
        Layer = layer;
    }

    public string Layer { get; }

    /// <summary>The last layer whose activation is spatial, (C, H, W) per sample: Grad-CAM's usual "last conv layer".</summary>
    public static string LastSpatialLayer(ILayeredModel model) =>
        model.DescribeLayers().LastOrDefault(l => l.ActivationShape.Length == 3)?.Name
        ?? throw new ArgumentException($"Grad-CAM needs a layer with a (C, H, W) activation; the model's layers are {string.Join(", ", model.DescribeLayers())}.");

    /// <summary>Maps (N, h, w) at the layer's resolution for <paramref name="classes"/> (default: each image's predicted class).</summary>
    public (FloatBatch Maps, int[] Classes) Compute(FloatBatch images, int[]? classes = null)
    {
        if (classes is not null && classes.Length != images.Count)
            throw new ArgumentException($"Grad-CAM got {classes.Length} classes for {images.Count} images.");
        using var scope = NewDisposeScope();
        Tensor activation;
        using (no_grad()) activation = _net.Head(TorchLayeredModel.ToTensor(images), Layer);
        if (activation.dim() != 4)
            throw new ArgumentException($"Grad-CAM needs a (N, C, H, W) activation at layer '{Layer}'; it has shape [{string.Join(", ", activation.shape)}].");
        using var gradients = enable_grad();
        var leaf = activation.detach().requires_grad_(true);
        var logits = _net.Tail(leaf, Layer);
        var chosen = classes ?? ModelPredictions.Argmax(TorchLayeredModel.ToBatch(logits));
        var score = logits.gather(1, tensor(chosen.Select(c => (long)c).ToArray()).unsqueeze(1)).sum();
        var grad = autograd.grad(new[] { score }, new[] { leaf })[0];
        var weights = grad.mean(new long[] { 2, 3 }, keepdim: true);
        var map = (weights * leaf).sum(1).relu();
        return (TorchLayeredModel.ToBatch(map), chosen);
    }

    /// <summary>
    /// Each map resized bilinearly to height x width, then min-max normalised to [0, 1], as Februus does
    /// (cv2.resize, then (cam - min) / max). A constant map becomes all zeros.
    /// </summary>
    public static FloatBatch Normalized(FloatBatch maps, int height, int width)
    {
        int h = maps.Shape[1], w = maps.Shape[2];
        var output = new float[maps.Count * height * width];
        for (int n = 0; n < maps.Count; n++)
        {
            var target = output.AsSpan(n * height * width, height * width);
            BilinearResize.Plane(maps.Sample(n), h, w, target, height, width);
            float min = float.PositiveInfinity, max = float.NegativeInfinity;
            foreach (float v in target) { min = Math.Min(min, v); max = Math.Max(max, v); }
            float range = max - min;
            for (int i = 0; i < target.Length; i++) target[i] = range > 0 ? (target[i] - min) / range : 0f;
        }
        return new FloatBatch(output, new[] { maps.Count, height, width });
    }
}
