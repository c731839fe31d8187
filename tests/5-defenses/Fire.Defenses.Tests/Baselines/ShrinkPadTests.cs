using Fire.Defenses.Baselines;

namespace Fire.Defenses.Tests.Baselines;

public class ShrinkPadTests
{
    [Fact]
    public void ConstantImageStaysConstantInsideTheShrunkWindowAndZeroOutside()
    {
        var image = Enumerable.Repeat(0.7f, 2 * 8 * 8).ToArray();
        var output = new float[image.Length];
        ShrinkPad.Apply(image, output, channels: 2, height: 8, width: 8, pad: 2, top: 1, left: 2);
        for (int c = 0; c < 2; c++)
        for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++)
        {
            bool inside = y >= 1 && y < 7 && x >= 2 && x < 8;
            Assert.Equal(inside ? 0.7f : 0f, output[c * 64 + y * 8 + x], 6);
        }
    }

    [Fact]
    public void ShrinkIsBilinearWithHalfPixelCentres()
    {
        // value = column / 3 on a 4x4 image; shrinking to 2x2 samples source columns 0.5 and 2.5.
        var image = Enumerable.Range(0, 16).Select(i => (i % 4) / 3f).ToArray();
        var output = new float[16];
        ShrinkPad.Apply(image, output, channels: 1, height: 4, width: 4, pad: 2, top: 2, left: 0);
        var expected = new float[]
        {
            0, 0, 0, 0,
            0, 0, 0, 0,
            0.5f / 3, 2.5f / 3, 0, 0,
            0.5f / 3, 2.5f / 3, 0, 0,
        };
        for (int i = 0; i < 16; i++) Assert.Equal(expected[i], output[i], 6);
    }

    [Fact]
    public void RandomOffsetIsSeededPerImageAndKeepsTheShrunkArea()
    {
        var shape = new[] { 1, 32, 32 };
        var batch = FunctionModel.Constant(shape, 0.25f, 0.5f, 0.75f);
        var shrinkPad = new ShrinkPad();
        var once = shrinkPad.Transform(batch, seed: 3);
        Assert.Equal(batch.Shape, once.Shape);
        Assert.Equal(once.Data, shrinkPad.Transform(batch, seed: 3).Data);
        // The second image alone is transformed exactly as inside the batch.
        Assert.Equal(once.Sample(1).ToArray(), shrinkPad.Transform(BatchSlicing.Slice(batch, 1, 1), seed: 3).Data);
        for (int n = 0; n < 3; n++) Assert.Equal(28 * 28, once.Sample(n).ToArray().Count(v => v != 0));
    }

    [Fact]
    public void PadMustLeaveSomethingOfTheImage()
    {
        var model = new FunctionModel(new[] { 1, 4, 4 }, 2, _ => new float[2]);
        var clean = FunctionModel.Constant(model.InputShape, 0.5f);
        var error = Assert.Throws<ArgumentException>(() => new ShrinkPad(pad: 4).Fit(FunctionModel.Context(model, clean)));
        Assert.Contains("pad 4", error.Message);
    }
}
