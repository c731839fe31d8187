using Fire.Evaluation.Streams;

namespace Fire.Evaluation.Tests.Streams;

public class StreamBookkeepingTests
{
    /// <summary>A pool of <paramref name="count"/> one-pixel images: clean image i has the value i, its triggered copy 100 + i; labels i % 3, target 0.</summary>
    internal static StreamPool Pool(int count = 10)
    {
        var labels = Enumerable.Range(0, count).Select(i => i % 3).ToArray();
        var clean = new FloatBatch(Enumerable.Range(0, count).Select(i => (float)i).ToArray(), [count, 1, 1, 1]);
        var nonTarget = Enumerable.Range(0, count).Where(i => labels[i] != 0).ToArray();
        var triggered = new FloatBatch(nonTarget.Select(i => 100f + i).ToArray(), [nonTarget.Length, 1, 1, 1]);
        return new StreamPool(clean, labels, triggered, target: 0);
    }

    /// <summary>Answers each image with version * 1000 + its pixel value, where the version counts the Observe calls so far.</summary>
    private sealed class VersionedDefense : IStreamDefense
    {
        public int Version { get; private set; }
        public List<float> Observed { get; } = [];
        public int Predicted { get; private set; }
        public int[] Predict(FloatBatch images)
        {
            Predicted += images.Count;
            return images.Data.Select(v => Version * 1000 + (int)v).ToArray();
        }
        public void Observe(FloatBatch flagged)
        {
            Assert.True(flagged.Count > 0);
            Observed.AddRange(flagged.Data);
            Version++;
        }
        public string Describe() => $"version {Version}";
    }

    /// <summary>Flags the inputs showing an odd pool image.</summary>
    private sealed class OddImages : IFlagSource
    {
        public string Name => "odd";
        public bool[] Flag(StreamChunk chunk) => chunk.Inputs.Select(i => i.PoolIndex % 2 == 1).ToArray();
    }

    [Fact]
    public void EachInputIsAnsweredOnceWithTheGuardOfItsMoment()
    {
        var pool = Pool(10);
        var stream = InputStream.Draw(pool.Labels, pool.Target, share: 0.5, seed: 3);
        var defense = new VersionedDefense();
        var undefended = pool.Compute(images => images.Data.Select(v => -(int)v).ToArray());
        var run = StreamRunner.Run(pool, stream, new OddImages(), defense, undefended, chunkSize: 3);

        Assert.Equal(10, defense.Predicted);
        int version = 0;
        var expectedObserved = new List<float>();
        for (int start = 0; start < 10; start += 3)
        {
            var chunk = stream.Inputs.Skip(start).Take(3).ToArray();
            foreach (var input in chunk)
            {
                float pixel = input.Triggered ? 100 + input.PoolIndex : input.PoolIndex;
                // The answer was given by the guard before this chunk's flags: the version counts earlier chunks only.
                Assert.Equal(version * 1000 + (int)pixel, run.Answers[input.Position]);
                Assert.Equal(-(int)pixel, run.Undefended[input.Position]);
                Assert.Equal(input.PoolIndex % 2 == 1, run.Flags[input.Position]);
            }
            var flagged = chunk.Where(i => i.PoolIndex % 2 == 1).ToArray();
            expectedObserved.AddRange(flagged.Select(i => i.Triggered ? 100f + i.PoolIndex : i.PoolIndex));
            if (flagged.Length > 0) version++;
        }
        Assert.Equal(expectedObserved, defense.Observed);
        Assert.Equal(version, defense.Version);
    }

    [Fact]
    public void StreamShowsEveryPoolImageOnceAndTriggersOnlyNonTargetImages()
    {
        var pool = Pool(30);
        var stream = InputStream.Draw(pool.Labels, pool.Target, share: 0.5, seed: 1);
        Assert.Equal(Enumerable.Range(0, 30), stream.Inputs.Select(i => i.PoolIndex).Order());
        Assert.Equal(Enumerable.Range(0, 30), stream.Inputs.Select(i => i.Position));
        Assert.All(stream.Inputs.Where(i => i.Triggered), i => Assert.NotEqual(0, pool.Labels[i.PoolIndex]));
        Assert.All(stream.Inputs, i => Assert.Equal(pool.Labels[i.PoolIndex], i.Label));
        var images = pool.Gather(stream.Inputs);
        Assert.Equal(stream.Inputs.Select(i => i.Triggered ? 100f + i.PoolIndex : i.PoolIndex), images.Data);
    }

    [Theory]
    [InlineData(0.01, 9)]
    [InlineData(0.05, 45)]
    [InlineData(0.2, 180)]
    [InlineData(1.0, 900)]
    public void TriggerShareIsExactForEverySeed(double share, int expected)
    {
        var labels = Enumerable.Range(0, 1000).Select(i => i % 10).ToArray(); // 900 non-target images
        var draws = Enumerable.Range(0, 4).Select(seed => InputStream.Draw(labels, 0, share, seed)).ToArray();
        Assert.All(draws, d => Assert.Equal(expected, d.TriggeredCount));
        Assert.Equal(expected, InputStream.TriggeredFor(900, share));
        // The same seed gives the same stream; other seeds other orders.
        Assert.Equal(draws[2].Inputs, InputStream.Draw(labels, 0, share, 2).Inputs);
        Assert.NotEqual(draws[0].Inputs.Select(i => i.PoolIndex), draws[1].Inputs.Select(i => i.PoolIndex));
    }

    [Fact]
    public void PoolRefusesTriggeredCopiesThatDoNotMatchTheNonTargetImages()
    {
        var clean = new FloatBatch(new float[4], [4, 1, 1, 1]);
        var triggered = new FloatBatch(new float[3], [3, 1, 1, 1]);
        var error = Assert.Throws<ArgumentException>(() => new StreamPool(clean, [0, 1, 0, 1], triggered, target: 0));
        Assert.Contains("2 non-target images but 3 triggered copies", error.Message);
    }
}
