using static TorchSharp.torch;

namespace Fire.Training.Tests;

public class EvaluatorTests
{
    [Fact]
    public void Predictions_agree_for_a_data_set_and_its_float_images_and_give_the_accuracy()
    {
        var train = TestData.MnistTrain(256);
        var test = TestData.MnistTest(300);
        using var net = TrainerTests.NewNet(train, 3);
        using (var trainer = new Trainer(net, new TrainRecipe(2, BatchSize: 32, Seed: 3))) trainer.Fit(train);
        net.train();

        var fromSet = Evaluator.Predict(net, test, batchSize: 64);
        var fromFloats = Evaluator.Predict(net, test.Pixels.Select(b => b / 255f).ToArray(), batchSize: 100);
        Assert.Equal(fromSet, fromFloats);
        Assert.Equal(fromSet.Zip(test.Labels).Count(p => p.First == p.Second) / 300.0, Evaluator.Accuracy(net, test));
        Assert.True(net.training, "the evaluator restores training mode");
    }

    [Fact]
    public void The_transform_changes_what_the_model_sees()
    {
        var test = TestData.MnistTest(50);
        using var net = TrainerTests.NewNet(test, 3);
        var blank = Evaluator.Predict(net, test, x => zeros_like(x));
        Assert.Single(blank.Distinct());
        int calls = 0;
        Evaluator.Predict(net, test, x => { calls++; return x; }, batchSize: 20);
        Assert.Equal(3, calls);
    }

    [Fact]
    public void Float_images_that_are_not_whole_images_are_refused()
    {
        using var net = TrainerTests.NewNet(TestData.MnistTest(10), 3);
        var e = Assert.Throws<ArgumentException>(() => Evaluator.Predict(net, new float[28 * 28 + 1]));
        Assert.Contains("1x28x28", e.Message);
    }
}
