using Fire.Defenses.Baselines;

namespace Fire.Defenses.Tests.Baselines;

/// <summary>What every baseline promises: clear errors before Fit and on bad inputs, deterministic predictions.</summary>
public class DefenseContractTests
{
    private static readonly int[] Shape = { 3, 8, 8 };

    // IBD-PSC amplifies batch-norm layers of a TorchSharp model, which this engine-free model lacks (IbdPscTests).
    public static TheoryData<string> Names() => new(RuntimeBaselines.Names.Where(n => n != Februus.DefenseName && n != IbdPsc.DetectorName));

    private static FunctionModel Model() => new(Shape, 3, x => new[] { x[0], x[70], x[130] });

    private static FloatBatch Images(int count, int seed)
    {
        var random = new Random(seed);
        return FunctionModel.Images(Shape, Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 192).Select(_ => (float)random.NextDouble()).ToArray()).ToArray());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void PredictBeforeFitIsAnError(string name)
    {
        using var defense = RuntimeBaselines.Create(name);
        var error = Assert.Throws<InvalidOperationException>(() => defense.Predict(Images(1, 0)));
        Assert.Contains("Fit", error.Message);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void PredictionsAreDeterministicAndIndependentOfBatching(string name)
    {
        using var defense = RuntimeBaselines.Create(name);
        defense.Fit(FunctionModel.Context(Model(), Images(10, 1), seed: 5));
        var inputs = Images(6, 2);
        var whole = defense.Predict(inputs);
        Assert.Equal(6, whole.Labels.Length);
        Assert.Equal(whole.Labels, defense.Predict(inputs).Labels);
        var single = Enumerable.Range(0, 6).SelectMany(i => defense.Predict(BatchSlicing.Slice(inputs, i, 1)).Labels);
        Assert.Equal(whole.Labels, single);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void WrongImageShapeIsNamed(string name)
    {
        using var defense = RuntimeBaselines.Create(name);
        defense.Fit(FunctionModel.Context(Model(), Images(4, 1)));
        var error = Assert.Throws<ArgumentException>(() => defense.Predict(new FloatBatch(new float[64], new[] { 1, 1, 8, 8 })));
        Assert.Contains("3, 8, 8", error.Message);
    }

    [Fact]
    public void MismatchedCleanLabelsAreRejected()
    {
        var context = FunctionModel.Context(Model(), Images(4, 1)) with { CleanLabels = new int[3] };
        var error = Assert.Throws<ArgumentException>(() => new Strip().Fit(context));
        Assert.Contains("3 clean labels for 4", error.Message);
    }

    [Fact]
    public void PixelsOutsideTheUnitRangeAreRejected()
    {
        var clean = Images(4, 1);
        clean.Data[5] = 255f;
        var error = Assert.Throws<ArgumentException>(() => new NoDefense().Fit(FunctionModel.Context(Model(), clean)));
        Assert.Contains("[0, 1]", error.Message);
    }
}
