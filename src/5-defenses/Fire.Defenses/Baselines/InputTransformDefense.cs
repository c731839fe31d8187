namespace Fire.Defenses.Baselines;

/// <summary>
/// A defense that transforms each input image and classifies the result with the unchanged model
/// (ShrinkPad, JPEG, blur). Subclasses transform one (C, H, W) image; randomness comes from a per-image source
/// seeded by the context's seed and the image (see <see cref="SampleRandom"/>).
/// </summary>
public abstract class InputTransformDefense : IRuntimeDefense
{
    private ILayeredModel? _model;
    private int _seed;

    public abstract string Name { get; }

    public void Fit(DefenseContext context)
    {
        DefenseInputs.CheckContext(Name, context, minimumClean: 0);
        CheckImageShape(context.Model.InputShape);
        _model = context.Model;
        _seed = context.Seed;
    }

    public DefensePrediction Predict(FloatBatch images)
    {
        var model = DefenseInputs.Fitted(Name, _model);
        DefenseInputs.CheckImages(Name, model, images, "input batch");
        return new DefensePrediction(ModelPredictions.Predict(model, Transform(images, _seed)));
    }

    /// <summary>The transformed copy of an (N, C, H, W) batch that the model classifies.</summary>
    public FloatBatch Transform(FloatBatch images, int seed = 0)
    {
        if (images.Shape.Length != 4)
            throw new ArgumentException($"{Name} transforms (N, C, H, W) images; got [{string.Join(", ", images.Shape)}].");
        int c = images.Shape[1], h = images.Shape[2], w = images.Shape[3];
        CheckImageShape(images.SampleShape);
        var output = new float[images.Data.Length];
        Parallel.For(0, images.Count, n =>
        {
            var image = images.Sample(n);
            TransformImage(image, output.AsSpan(n * images.SampleSize, images.SampleSize), c, h, w, SampleRandom.For(seed, image));
        });
        return new FloatBatch(output, (int[])images.Shape.Clone());
    }

    /// <summary>Throws when this transform cannot handle images of shape (C, H, W).</summary>
    protected virtual void CheckImageShape(int[] chw) { }

    protected abstract void TransformImage(ReadOnlySpan<float> image, Span<float> output, int channels, int height, int width, Random random);

    public void Dispose() { }
}
