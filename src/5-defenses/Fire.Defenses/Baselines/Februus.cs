using Fire.Engines.Torch;

namespace Fire.Defenses.Baselines;

/// <summary>
/// Februus-style input purification (Doan, Abbasnejad and Ranasinghe, "Februus: Input Purification Defense Against
/// Trojan Attacks on Deep Neural Network Systems", ACSAC 2020): Grad-CAM of the predicted class at the last spatial
/// layer locates the region the decision rests on; that region is removed, inpainted, and the image classified again.
/// Every input is purified (Februus does not detect first).
/// Defaults from the authors' code (AdelaideAuto-IDLab/Februus): Grad-CAM resized bilinearly to the input size and
/// min-max normalised to [0, 1]; pixels with a value >= 0.7 are removed (their CIFAR-10 setting; GTSRB used 0.8).
/// Februus fills the region with a GAN inpainter trained on clean data; we cannot ship one and use
/// <see cref="HarmonicInpainting"/> (Laplace fill from the region's border) instead, which removes a trigger as
/// well but restores less detail, so expect lower clean accuracy than the paper reports.
/// Needs gradients, hence the TorchSharp engine (<see cref="TorchLayeredModel"/>).
/// </summary>
public sealed class Februus : IRuntimeDefense
{
    public const string DefenseName = "februus";
    public const double DefaultMaskThreshold = 0.7;
    private const int ChunkSize = 128;

    private (ILayeredModel Model, GradCam Cam)? _fitted;

    /// <param name="layer">Grad-CAM layer; null picks the last layer with a (C, H, W) activation.</param>
    public Februus(double maskThreshold = DefaultMaskThreshold, string? layer = null)
    {
        if (!(maskThreshold > 0 && maskThreshold <= 1))
            throw new ArgumentOutOfRangeException(nameof(maskThreshold), $"Februus's mask threshold must be in (0, 1], got {maskThreshold}.");
        MaskThreshold = maskThreshold;
        RequestedLayer = layer;
    }

    public double MaskThreshold { get; }
    public string? RequestedLayer { get; }
    /// <summary>The layer Grad-CAM reads, once fitted.</summary>
    public string Layer => Fitted().Cam.Layer;
    public string Name => DefenseName;

    public void Fit(DefenseContext context)
    {
        DefenseInputs.CheckContext(Name, context, minimumClean: 0);
        if (context.Model is not TorchLayeredModel torch)
            throw new NotSupportedException($"Februus needs gradients (Grad-CAM), which only the TorchSharp engine (TorchLayeredModel) provides; the model is a {context.Model.GetType().Name}.");
        string layer = RequestedLayer ?? GradCam.LastSpatialLayer(torch);
        _fitted = (torch, new GradCam(torch.Net, layer));
    }

    public DefensePrediction Predict(FloatBatch images)
    {
        var (model, _) = Fitted();
        DefenseInputs.CheckImages(Name, model, images, "input batch");
        return new DefensePrediction(ModelPredictions.Predict(model, Purify(images)));
    }

    /// <summary>The purified copy of <paramref name="images"/>: the salient region of each removed and inpainted.</summary>
    public FloatBatch Purify(FloatBatch images)
    {
        var (model, cam) = Fitted();
        DefenseInputs.CheckImages(Name, model, images, "input batch");
        int channels = images.Shape[1], height = images.Shape[2], width = images.Shape[3];
        var purified = images.Clone();
        foreach (var (start, chunk) in BatchSlicing.Chunks(images, ChunkSize))
        {
            var maps = GradCam.Normalized(cam.Compute(chunk).Maps, height, width);
            Parallel.For(0, chunk.Count, i =>
            {
                var removed = maps.Sample(i).ToArray().Select(v => v >= MaskThreshold).ToArray();
                HarmonicInpainting.Fill(purified.Sample(start + i), removed, channels, height, width);
            });
        }
        return purified;
    }

    private (ILayeredModel Model, GradCam Cam) Fitted() =>
        _fitted ?? throw new InvalidOperationException($"{Name}: call Fit before Predict.");

    public void Dispose() { }
}
