namespace Fire.Cli.Tests;

public class RedirectedWidthTests
{
    [Theory]
    [InlineData("132", 132)]
    [InlineData("20", 20)]
    [InlineData("19", null)]
    [InlineData("-100", null)]
    [InlineData("wide", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    [InlineData("100000", null)]
    public void Columns_are_taken_only_when_usable(string? columns, int? expected) =>
        Assert.Equal(expected, RedirectedWidth.Parse(columns));
}
