namespace Fire.Core.Tests.Pixels;

public class PixelBytesTests
{
    [Fact]
    public void Every_byte_survives_the_round_trip()
    {
        var bytes = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        Assert.Equal(bytes, PixelBytes.Quantize(PixelBytes.ToFloats(bytes)));
    }

    [Theory]
    [InlineData(0.5f, 127)]      // 127.5 truncates, as numpy's astype(np.uint8) does
    [InlineData(0.1f, 25)]       // 25.5
    [InlineData(0.99999f, 254)]  // 254.997
    [InlineData(-0.2f, 0)]
    [InlineData(1.7f, 255)]
    [InlineData(float.NaN, 0)]
    [InlineData(float.PositiveInfinity, 255)]
    public void Floats_clip_and_truncate(float value, int expected) => Assert.Equal((byte)expected, PixelBytes.Quantize(value));

    [Fact]
    public void Bytes_divide_by_255()
    {
        Assert.Equal(100 / 255f, PixelBytes.ToFloat(100));
        var target = new float[3];
        PixelBytes.ToFloats([0, 51, 255], target);
        Assert.Equal([0f, 0.2f, 1f], target);
        Assert.Throws<ArgumentException>(() => PixelBytes.ToFloats([1, 2], new float[1]));
    }
}
