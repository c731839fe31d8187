namespace Fire.Core.Tests;

public class SeedsTests
{
    [Fact]
    public void SeedsAreTheDocumentedFormulaSoSavedRunsReproduce()
    {
        Assert.Equal(0 * 1_000_003 + 3 * 7_919, Seeds.For(0, Seeds.Pattern));
        Assert.Equal(unchecked(7 * 1_000_003 + 1 * 7_919), Seeds.For(7, Seeds.Selection));
        Assert.Equal(unchecked((7 * 1_000_003 + 4 * 7_919) * 31 + 12), Seeds.For(7, Seeds.Noise, 12));
        // A saved guard's model fingerprint is drawn from this seed: it must never change.
        Assert.Equal(39_595, Seeds.For(0, Seeds.Fingerprint));
    }

    [Fact]
    public void PurposesAndItemsGiveDistinctSeeds()
    {
        var seeds = Enumerable.Range(1, 7).SelectMany(p => Enumerable.Range(0, 100).Select(i => Seeds.For(3, p, i))).ToArray();
        Assert.Equal(seeds.Length, seeds.Distinct().Count());
    }
}
