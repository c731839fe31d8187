using Fire.Guard;

namespace Fire.Guard.Tests;

public class ImageAugmentationTests
{
    // One channel, 2x3: rows (1 2 3) and (4 5 6), scaled to [0, 1].
    private static readonly float[] Image = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f];
    private static readonly int[] Shape = [1, 2, 3];

    [Fact]
    public void FlipsMirrorEachRow()
    {
        var copies = new ImageAugmentation(Copies: 20, Flip: true).Augment(Image, Shape, seed: 1);
        float[] mirrored = [0.3f, 0.2f, 0.1f, 0.6f, 0.5f, 0.4f];
        for (int i = 0; i < copies.Count; i++)
        {
            var copy = copies.Sample(i).ToArray();
            Assert.True(copy.SequenceEqual(Image) || copy.SequenceEqual(mirrored));
        }
        Assert.Contains(Enumerable.Range(0, 20), i => copies.Sample(i).ToArray().SequenceEqual(mirrored));
    }

    [Fact]
    public void ShiftsMoveThePixelsAndFillWithZeros()
    {
        var copies = new ImageAugmentation(Copies: 30, MaxShift: 1).Augment(Image, Shape, seed: 2);
        float[] right = [0f, 0.1f, 0.2f, 0f, 0.4f, 0.5f]; // dx = +1, dy = 0
        Assert.Contains(Enumerable.Range(0, 30), i => copies.Sample(i).ToArray().SequenceEqual(right));
        for (int i = 0; i < copies.Count; i++)
            Assert.All(copies.Sample(i).ToArray(), v => Assert.True(v == 0f || Image.Contains(v)));
    }

    [Fact]
    public void NoiseStaysInTheUnitRangeAndTheSeedFixesTheCopies()
    {
        var augmentation = new ImageAugmentation(Copies: 5, NoiseStd: 0.5f);
        var first = augmentation.Augment(Image, Shape, seed: 3);
        Assert.All(first.Data, v => Assert.InRange(v, 0f, 1f));
        Assert.NotEqual(Image, first.Sample(0).ToArray());
        Assert.Equal(first.Data, augmentation.Augment(Image, Shape, seed: 3).Data);
        Assert.NotEqual(first.Data, augmentation.Augment(Image, Shape, seed: 4).Data);
    }

    [Fact]
    public void RejectsNegativeSettings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmentation(Copies: -1).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmentation(Copies: 1, NoiseStd: -0.1f).Validate());
    }
}
