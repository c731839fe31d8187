namespace Fire.Core.Tests;

/// <summary>The default engine thread count: the cores free now, less those kept, at least 1.</summary>
public class EngineThreadsTests
{
    [Theory]
    [InlineData(2, 0.0, 0, 2)]
    [InlineData(2, 0.4, 0, 2)]
    [InlineData(2, 0.5, 0, 1)]
    [InlineData(2, 1.2, 0, 1)]
    [InlineData(2, 15.6, 0, 1)]
    [InlineData(16, 3.0, 1, 12)]
    [InlineData(16, double.NaN, 1, 15)]
    [InlineData(1, 0.0, 1, 1)]
    public void TheDefaultIsTheCoresFreeNowLessTheReservedAtLeastOne(int cores, double load, int reserved, int expected) =>
        Assert.Equal(expected, EngineThreads.Free(cores, load, reserved));

    [Fact]
    public void ARequestedCountWinsAndTheLoadAverageIsRead()
    {
        Assert.Equal(7, EngineThreads.Choose(7));
        string file = Path.GetTempFileName();
        File.WriteAllText(file, "1.75 0.50 0.25 2/300 1234\n");
        Assert.Equal(1.75, EngineThreads.LoadAverage(file));
        Assert.Equal(0, EngineThreads.LoadAverage("/no/such/loadavg"));
    }
}
