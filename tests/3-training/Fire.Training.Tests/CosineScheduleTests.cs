namespace Fire.Training.Tests;

public class CosineScheduleTests
{
    [Fact]
    public void Starts_at_the_base_rate_and_halves_at_the_middle()
    {
        Assert.Equal(0.1, CosineSchedule.LearningRate(0.1, 0, 100));
        Assert.Equal(0.05, CosineSchedule.LearningRate(0.1, 50, 100));
    }

    [Theory]
    [InlineData(0.01, 25, 100)]
    [InlineData(0.01, 75, 100)]
    [InlineData(0.2, 1, 3)]
    [InlineData(0.2, 2, 3)]
    public void Follows_the_closed_form(double rate, long step, long total)
    {
        double expected = rate * (1 + Math.Cos(Math.PI * step / total)) / 2;
        Assert.Equal(expected, CosineSchedule.LearningRate(rate, step, total));
    }

    [Fact]
    public void Known_values_at_a_quarter_and_the_last_step()
    {
        Assert.Equal(0.01 * (2 + Math.Sqrt(2)) / 4, CosineSchedule.LearningRate(0.01, 25, 100), 15);
        Assert.Equal(0.01 * (1 + Math.Cos(Math.PI * 99 / 100)) / 2, CosineSchedule.LearningRate(0.01, 99, 100));
        Assert.True(CosineSchedule.LearningRate(0.01, 99, 100) is > 0 and < 3e-6);
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(10, 10)]
    [InlineData(0, 0)]
    public void Rejects_steps_outside_the_schedule(long step, long total) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CosineSchedule.LearningRate(0.01, step, total));
}
