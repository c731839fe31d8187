using Fire.Defenses.Baselines;

namespace Fire.Defenses.Tests.Baselines;

public class JpegDefenseTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public void ConstantImageSurvivesCompression(int channels)
    {
        var image = FunctionModel.Constant(new[] { channels, 16, 16 }, 0.5f);
        var compressed = new JpegDefense().Transform(image);
        Assert.Equal(image.Shape, compressed.Shape);
        Assert.All(compressed.Data, v => Assert.InRange(v, 0.5f - 2f / 255, 0.5f + 2f / 255));
    }

    [Fact]
    public void LowQualityRemovesFaintFineDetailThatHighQualityKeeps()
    {
        // A faint one-pixel checkerboard (0.45 / 0.55) is the highest spatial frequency at low amplitude.
        var board = Enumerable.Range(0, 16 * 16).Select(i => 0.45f + 0.1f * ((i / 16 + i % 16) % 2)).ToArray();
        var image = FunctionModel.Images(new[] { 1, 16, 16 }, board);
        Assert.All(new JpegDefense(quality: 10).Transform(image).Data, v => Assert.InRange(v, 0.48f, 0.52f));
        var kept = new JpegDefense(quality: 100).Transform(image).Data;
        Assert.All(board.Zip(kept), pair => Assert.InRange(pair.Second - pair.First, -0.02f, 0.02f));
    }

    [Fact]
    public void TwoChannelImagesAreRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new JpegDefense().Transform(FunctionModel.Constant(new[] { 2, 8, 8 }, 0.5f)));
        Assert.Contains("grey or RGB", error.Message);
    }
}
