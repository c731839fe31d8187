using Fire.Defenses.Baselines;

namespace Fire.Defenses.Tests.Baselines;

public class HarmonicInpaintingTests
{
    [Fact]
    public void RegionInsideAConstantImageGetsThatConstantAndKeptPixelsStay()
    {
        const int size = 6;
        var image = new float[2 * size * size];
        Array.Fill(image, 0.3f, 0, size * size);
        Array.Fill(image, 0.8f, size * size, size * size);
        var removed = new bool[size * size];
        foreach (int p in new[] { 7, 8, 13, 14, 35 }) { removed[p] = true; image[p] = 1f; image[size * size + p] = 0f; }
        var before = (float[])image.Clone();

        HarmonicInpainting.Fill(image, removed, 2, size, size);

        for (int c = 0; c < 2; c++)
        for (int p = 0; p < size * size; p++)
        {
            float value = image[c * size * size + p];
            if (removed[p]) Assert.Equal(c == 0 ? 0.3f : 0.8f, value, 6);
            else Assert.Equal(before[c * size * size + p], value);
        }
    }

    [Fact]
    public void LinearRampIsRestoredBecauseItIsHarmonic()
    {
        const int size = 9;
        var image = Enumerable.Range(0, size * size).Select(p => 0.1f * (p % size) + 0.05f * (p / size)).ToArray();
        var expected = (float[])image.Clone();
        var removed = new bool[size * size];
        for (int y = 3; y < 6; y++) for (int x = 2; x < 6; x++) { removed[y * size + x] = true; image[y * size + x] = 0f; }

        HarmonicInpainting.Fill(image, removed, 1, size, size);

        for (int p = 0; p < image.Length; p++) Assert.Equal(expected[p], image[p], 3);
    }

    [Fact]
    public void NothingRemovedChangesNothing()
    {
        var image = new[] { 0.1f, 0.5f, 0.9f, 0.3f };
        HarmonicInpainting.Fill(image, new bool[4], 1, 2, 2);
        Assert.Equal(new[] { 0.1f, 0.5f, 0.9f, 0.3f }, image);
    }
}
