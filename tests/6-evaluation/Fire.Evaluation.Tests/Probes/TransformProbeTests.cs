using Fire.Attacks;
using Fire.Data;
using Fire.Evaluation.Probes;
using Fire.Evaluation.Repair;
using static TorchSharp.torch;

namespace Fire.Evaluation.Tests.Probes;

public class TransformProbeTests
{
    /// <summary>Two-pixel images; the logits are the pixels, so the brighter pixel is the predicted class.</summary>
    private sealed class BrighterPixelModel : ILayeredModel
    {
        public int[] InputShape => [1, 1, 2];
        public int ClassCount => 2;
        public IReadOnlyList<string> LayerNames => ["logits"];
        public IReadOnlyList<LayerInfo> DescribeLayers() => [new("logits", [2])];
        public FloatBatch Forward(FloatBatch input, LayerAccess? access = null) => new((float[])input.Data.Clone(), [input.Count, 2]);
        public FloatBatch Head(FloatBatch input, string layer) => Forward(input);
        public FloatBatch Tail(FloatBatch activation, string layer) => activation.Clone();
        public void Dispose() { }
    }

    /// <summary>Swaps the two pixels.</summary>
    private sealed class SwapTrigger : ITrigger
    {
        public string Name => "swap";
        public Tensor Apply(Tensor images) => images.flip(3);
    }

    private static FloatBatch Swap(FloatBatch images)
    {
        var data = new float[images.Data.Length];
        for (int i = 0; i < data.Length; i += 2) (data[i], data[i + 1]) = (images.Data[i + 1], images.Data[i]);
        return new FloatBatch(data, (int[])images.Shape.Clone());
    }

    [Fact]
    public void Figures_count_clean_images_sent_to_the_target_and_triggered_images_after_the_transform()
    {
        // Labels 0, 1, 1, 1 with target 0: the last image looks like class 0, so the model sends it to the target.
        var test = new ImageDataset("toy/test", [200, 10, 10, 200, 10, 200, 200, 10], [0, 1, 1, 1], ["a", "b"], 1, 1, 2);
        var set = new BackdoorTestSet(test, new SwapTrigger(), target: 0);
        using var model = new BrighterPixelModel();

        var plain = TransformProbe.Measure(model, set, BenignTransforms.Standard()[0]);
        Assert.Equal(new ProbeResult("none", 3 / 4.0, 1 / 3.0, 2 / 3.0, 1 / 3.0), plain);

        // Swapping undoes the trigger and turns the clean images into the others' look-alikes.
        var swapped = TransformProbe.Measure(model, set, new BenignTransform("swap", "swap the pixels", Swap));
        Assert.Equal(new ProbeResult("swap", 1 / 4.0, 2 / 3.0, 1 / 3.0, 2 / 3.0), swapped);
    }
}
