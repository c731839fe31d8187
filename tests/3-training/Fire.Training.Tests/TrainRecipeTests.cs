using Fire.Data;

namespace Fire.Training.Tests;

public class TrainRecipeTests
{
    [Fact]
    public void Defaults_are_backdoorbench_reference_recipe()
    {
        var recipe = TrainRecipe.BackdoorBench("cifar10");
        Assert.Equal(new TrainRecipe(100, 128, 0.01, 0.9, 5e-4), recipe);
        Assert.Equal(50, TrainRecipe.BackdoorBench("gtsrb").Epochs);
        Assert.Equal("cosine-per-step", recipe.Schedule);
    }

    [Theory]
    [InlineData(0, 128, 0.01, 0.9, 0.0005, "Epochs")]
    [InlineData(1, 1, 0.01, 0.9, 0.0005, "Batch size")]
    [InlineData(1, 128, 0.0, 0.9, 0.0005, "Learning rate")]
    [InlineData(1, 128, 0.01, 1.0, 0.0005, "Momentum")]
    [InlineData(1, 128, 0.01, 0.9, -1.0, "Weight decay")]
    public void Validate_names_the_bad_value(int epochs, int batch, double lr, double momentum, double wd, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainRecipe(epochs, batch, lr, momentum, wd).Validate());
        Assert.StartsWith(named, e.Message);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Label_smoothing_outside_zero_to_one_is_refused(double smoothing)
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainRecipe(1, LabelSmoothing: smoothing).Validate());
        Assert.StartsWith("Label smoothing", e.Message);
    }

    [Fact]
    public void Subset_is_seeded_sorted_and_distinct()
    {
        var data = new ImageDataset("toy", new byte[100], Enumerable.Range(0, 100).Select(i => i % 2).ToArray(), new[] { "a", "b" }, 1, 1, 1);
        var a = new TrainRecipe(1, Seed: 3, MaxTrainSamples: 10).TrainingIndices(data);
        var b = new TrainRecipe(1, Seed: 3, MaxTrainSamples: 10).TrainingIndices(data);
        var c = new TrainRecipe(1, Seed: 4, MaxTrainSamples: 10).TrainingIndices(data);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(10, a.Distinct().Count());
        Assert.Equal(a.Order(), a);
        Assert.Equal(Enumerable.Range(0, 100), new TrainRecipe(1).TrainingIndices(data));
        Assert.Equal(Enumerable.Range(0, 100), new TrainRecipe(1, MaxTrainSamples: 500).TrainingIndices(data));
    }
}
