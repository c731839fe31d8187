namespace Fire.Data.Tests;

public class SampleTransformTests
{
    // One channel, 3x3: values 1..9 row by row.
    static readonly byte[] Image = [1, 2, 3, 4, 5, 6, 7, 8, 9];

    static float[] Transform(int shiftX, int shiftY, bool flip)
    {
        var target = Enumerable.Repeat(-1f, 9).ToArray();
        SampleTransform.Write(Image, target, 1, 3, 3, shiftX, shiftY, flip);
        return target.Select(v => MathF.Round(v * 255f)).ToArray();
    }

    [Fact]
    public void NoShiftIsTheImageOver255()
    {
        var target = new float[9];
        SampleTransform.Write(Image, target, 1, 3, 3, 0, 0, false);
        Assert.Equal(Image.Select(b => b / 255f).ToArray(), target);
    }

    [Fact]
    public void ShiftsCropThePaddedImageWithZeros()
    {
        // Crop origin (2, 0) in the image padded by 1 = shift (+1, -1): the top row is padding, columns move left.
        Assert.Equal(new float[] { 0, 0, 0, 2, 3, 0, 5, 6, 0 }, Transform(1, -1, false));
        Assert.Equal(new float[] { 0, 4, 5, 0, 7, 8, 0, 0, 0 }, Transform(-1, 1, false));
        Assert.Equal(new float[9], Transform(3, 0, false)); // shifted entirely out of the image
    }

    [Fact]
    public void FlipMirrorsAfterTheCrop()
    {
        Assert.Equal(new float[] { 3, 2, 1, 6, 5, 4, 9, 8, 7 }, Transform(0, 0, true));
        // Crop shifted right by 1 ([2, 3, 0]), then mirrored: [0, 3, 2].
        Assert.Equal(new float[] { 0, 3, 2, 0, 6, 5, 0, 9, 8 }, Transform(1, 0, true));
        Assert.Equal(new float[] { 0, 0, 0, 2, 1, 0, 5, 4, 0 }, Transform(-1, -1, true));
    }

    [Fact]
    public void EveryChannelGetsTheSameTransform()
    {
        byte[] image = [1, 2, 3, 4, 10, 20, 30, 40]; // 2 channels of 2x2
        var target = new float[8];
        SampleTransform.Write(image, target, 2, 2, 2, 1, 0, true);
        Assert.Equal(new float[] { 0, 2, 0, 4, 0, 20, 0, 40 }, target.Select(v => MathF.Round(v * 255)).ToArray());
    }

    [Fact]
    public void DrawnShiftsCoverThePaddingRangeAndFlipsHalfTheSamples()
    {
        var augmentation = new Augmentation(4, true);
        var draws = Enumerable.Range(0, 20000).Select(i => SampleTransform.Draw(augmentation, SeededRandom.Hash(1, (ulong)i))).ToList();
        Assert.Equal(Enumerable.Range(-4, 9), draws.Select(d => d.ShiftX).Distinct().Order());
        Assert.Equal(Enumerable.Range(-4, 9), draws.Select(d => d.ShiftY).Distinct().Order());
        Assert.InRange(draws.Count(d => d.Flip), 9500, 10500);
        Assert.DoesNotContain(Enumerable.Range(0, 100).Select(i => SampleTransform.Draw(new Augmentation(4, false), (ulong)i)), d => d.Flip);
        Assert.Equal((0, 0, false), SampleTransform.Draw(Augmentation.None, 12345));
    }
}

public class BatchLoaderTests
{
    /// <summary>10 grey 2x2 images; image i holds 10i .. 10i+3, label i % 3.</summary>
    static readonly ImageDataset Data = new("toy/train",
        Enumerable.Range(0, 10).SelectMany(i => Enumerable.Range(0, 4).Select(p => (byte)(10 * i + p))).ToArray(),
        Enumerable.Range(0, 10).Select(i => i % 3).ToArray(), ["a", "b", "c"], 1, 2, 2);

    [Fact]
    public void UnshuffledBatchesFollowTheDataSetWithAShortLastBatch()
    {
        var batches = new BatchLoader(Data, 4, shuffle: false, seed: 0).ToList();
        Assert.Equal(new[] { 4, 4, 2 }, batches.Select(b => b.Count));
        Assert.Equal(Enumerable.Range(0, 10), batches.SelectMany(b => b.Indices));
        Assert.Equal(Data.Labels, batches.SelectMany(b => b.Labels));
        Assert.Equal(Data.Pixels.Select(v => v / 255f), batches.SelectMany(b => b.Images));
        Assert.Equal((1, 2, 2), (batches[2].Channels, batches[2].Height, batches[2].Width));
        Assert.Equal(8, batches[2].Images.Length);
    }

    [Fact]
    public void DropLastSkipsTheShortBatch()
    {
        var loader = new BatchLoader(Data, 4, shuffle: true, seed: 1, dropLast: true);
        Assert.Equal(2, loader.BatchesPerEpoch);
        Assert.Equal(new[] { 4, 4 }, loader.Select(b => b.Count));
    }

    [Fact]
    public void ShuffledEpochsAreReproduciblePermutationsThatDiffer()
    {
        var loader = new BatchLoader(Data, 3, shuffle: true, seed: 42);
        var epoch0 = loader.SelectMany(b => b.Indices).ToArray();
        var epoch1 = loader.SelectMany(b => b.Indices).ToArray();
        Assert.Equal(2, loader.Epoch);
        Assert.Equal(Enumerable.Range(0, 10), epoch0.Order());
        Assert.Equal(Enumerable.Range(0, 10), epoch1.Order());
        Assert.NotEqual(epoch0, epoch1);

        var again = new BatchLoader(Data, 3, shuffle: true, seed: 42) { Epoch = 1 };
        Assert.Equal(epoch1, again.SelectMany(b => b.Indices));
        Assert.NotEqual(epoch0, new BatchLoader(Data, 3, shuffle: true, seed: 43).SelectMany(b => b.Indices));
    }

    [Fact]
    public void AugmentationIsPerSampleSeededAndChangesWithTheEpoch()
    {
        var augmentation = new Augmentation(1, true);
        var loader = new BatchLoader(Data, 4, shuffle: true, seed: 5, augmentation);
        var epoch0 = loader.ToList();
        var epoch1 = loader.ToList();
        var replay = new BatchLoader(Data, 4, shuffle: true, seed: 5, augmentation).ToList();
        Assert.Equal(epoch0.SelectMany(b => b.Images), replay.SelectMany(b => b.Images));
        Assert.NotEqual(ImagesByIndex(epoch0), ImagesByIndex(epoch1));

        // A sample's augmentation does not depend on its batch or position: unshuffled batches of another size agree.
        var unshuffled = new BatchLoader(Data, 3, shuffle: false, seed: 5, augmentation).ToList();
        Assert.Equal(ImagesByIndex(epoch0), ImagesByIndex(unshuffled));

        // Every augmented image is one of the 18 crops and flips of its source.
        foreach (var batch in epoch0)
            for (int i = 0; i < batch.Count; i++)
            {
                var image = batch.Images.AsSpan(i * 4, 4).ToArray();
                Assert.Contains(AllVariants(batch.Indices[i]), variant => variant.SequenceEqual(image));
            }
    }

    static float[][] AllVariants(int index)
    {
        var variants = new List<float[]>();
        for (int dx = -1; dx <= 1; dx++)
            for (int dy = -1; dy <= 1; dy++)
                foreach (bool flip in new[] { false, true })
                {
                    var target = new float[4];
                    SampleTransform.Write(Data.Image(index), target, 1, 2, 2, dx, dy, flip);
                    variants.Add(target);
                }
        return variants.ToArray();
    }

    static float[] ImagesByIndex(List<ImageBatch> batches) =>
        batches.SelectMany(b => Enumerable.Range(0, b.Count).Select(i => (b.Indices[i], b.Images.AsSpan(i * 4, 4).ToArray())))
            .OrderBy(p => p.Item1).SelectMany(p => p.Item2).ToArray();

    [Fact]
    public void StoppingEarlyEndsTheBackgroundWorkAndAdvancesTheEpoch()
    {
        var loader = new BatchLoader(Data, 1, shuffle: true, seed: 0);
        Assert.Single(loader.Take(1));
        Assert.Equal(1, loader.Epoch);
        Assert.Equal(10, loader.Count());
    }

    [Fact]
    public void ToFloatAndTakeGiveUnaugmentedSamples()
    {
        var images = BatchLoader.ToFloat(Data, [7, 2]);
        Assert.Equal(new[] { 70, 71, 72, 73, 20, 21, 22, 23 }.Select(v => v / 255f), images);
        var batch = BatchLoader.Take(Data, [7, 2]);
        Assert.Equal(new[] { 1, 2 }, batch.Labels);
        Assert.Equal(new[] { 7, 2 }, batch.Indices);
        Assert.Equal(images, batch.Images);
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchLoader.ToFloat(Data, [10]));
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchLoader(Data, 0, false, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Augmentation(-1, false));
    }
}
