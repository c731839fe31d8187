using Fire.Evaluation.Probes;

namespace Fire.Evaluation.Tests.Probes;

public class BenignTransformsTests
{
    private static FloatBatch Constant(float value, int count = 2, int channels = 3, int size = 8) =>
        new(Enumerable.Repeat(value, count * channels * size * size).ToArray(), [count, channels, size, size]);

    private static FloatBatch Ramp(int count = 2, int channels = 3, int size = 8) =>
        new(Enumerable.Range(0, count * channels * size * size).Select(i => i % 97 / 96f).ToArray(), [count, channels, size, size]);

    [Fact]
    public void Half_pixel_shift_averages_each_pixel_with_its_upper_left_neighbours_repeating_the_edges()
    {
        var image = new FloatBatch([0f, 0.25f, 0.5f, 0.75f], [1, 1, 2, 2]);
        var shifted = BenignTransforms.ShiftHalfPixel(image);
        float[] expected = [0f, 0.125f, 0.25f, 0.375f];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], shifted.Data[i], 6);
    }

    [Theory]
    [InlineData("blur-3")]
    [InlineData("blur-5")]
    [InlineData("shift")]
    [InlineData("jpeg")]
    public void Softening_transforms_leave_a_constant_image_constant(string name)
    {
        var transform = BenignTransforms.Select([name]).Single();
        var output = transform.Apply(Constant(0.4f));
        Assert.All(output.Data, v => Assert.Equal(0.4f, v, 1f / 255));
    }

    [Fact]
    public void Every_transform_keeps_the_shape_the_range_and_its_input()
    {
        foreach (var transform in BenignTransforms.Standard())
        {
            var input = Ramp();
            var before = (float[])input.Data.Clone();
            var output = transform.Apply(input);
            Assert.Equal(input.Shape, output.Shape);
            Assert.All(output.Data, v => Assert.InRange(v, -1e-6f, 1 + 1e-6f));
            Assert.Equal(before, input.Data);
        }
    }

    [Fact]
    public void None_is_the_identity_and_the_others_change_a_varied_image()
    {
        var input = Ramp();
        foreach (var transform in BenignTransforms.Standard())
        {
            var output = transform.Apply(input);
            if (transform.Name == BenignTransforms.None) Assert.Equal(input.Data, output.Data);
            else Assert.NotEqual(input.Data, output.Data);
        }
    }

    [Fact]
    public void Noise_is_seeded_centred_and_of_the_stated_spread()
    {
        var grey = Constant(0.5f, count: 8, size: 32);
        var first = BenignTransforms.AddNoise(grey, BenignTransforms.NoiseStd, seed: 3);
        Assert.Equal(first.Data, BenignTransforms.AddNoise(grey, BenignTransforms.NoiseStd, seed: 3).Data);
        Assert.NotEqual(first.Data, BenignTransforms.AddNoise(grey, BenignTransforms.NoiseStd, seed: 4).Data);
        double mean = first.Data.Average(v => (double)v);
        double std = Math.Sqrt(first.Data.Average(v => (v - mean) * (v - mean)));
        Assert.Equal(0.5, mean, 0.002);
        Assert.Equal(BenignTransforms.NoiseStd, std, 0.002);
        Assert.Throws<ArgumentException>(() => BenignTransforms.AddNoise(grey, -1f, seed: 0));
    }

    [Fact]
    public void Rotation_by_a_quarter_turn_moves_the_top_row_to_the_right_column()
    {
        // 3x3 image whose top row is bright: a clockwise quarter turn puts it in the right-hand column.
        var image = new FloatBatch([1f, 1f, 1f, 0f, 0f, 0f, 0f, 0f, 0f], [1, 1, 3, 3]);
        var rotated = BenignTransforms.Rotate(image, 90);
        float[] expected = [0f, 0f, 1f, 0f, 0f, 1f, 0f, 0f, 1f];
        for (int i = 0; i < 9; i++) Assert.Equal(expected[i], rotated.Data[i], 5);
    }

    [Fact]
    public void Selection_keeps_the_order_given_ignores_case_and_names_unknown_transforms()
    {
        var names = BenignTransforms.Select(["JPEG", "none", "shift"]).Select(t => t.Name);
        Assert.Equal(["jpeg", "none", "shift"], names);
        Assert.Equal(BenignTransforms.Standard().Count, BenignTransforms.Standard().Select(t => t.Name).Distinct().Count());
        var error = Assert.Throws<ArgumentException>(() => BenignTransforms.Select(["sharpen"]));
        Assert.Contains("Unknown transform 'sharpen'", error.Message);
        Assert.Contains("blur-3", error.Message);
    }

    [Fact]
    public void A_batch_that_is_not_four_dimensional_is_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => BenignTransforms.ShiftHalfPixel(new FloatBatch(new float[4], [1, 4])));
        Assert.Contains("(N, C, H, W)", error.Message);
    }
}
