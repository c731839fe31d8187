using Fire.Attacks;
using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Guard;
using Fire.Engines.Torch;
using Fire.Training;
using Xunit.Abstractions;

namespace Fire.Guard.Tests;

[Trait(TestCategories.Name, TestCategories.Slow)]
public class MnistBackdoorTests(MnistBackdoor backdoor, ITestOutputHelper output) : IClassFixture<MnistBackdoor>
{
    [Fact]
    public void FireWithAHundredObservedSamplesRemovesTheBackdoor()
    {
        var undefended = backdoor.Measure(images => ModelPredictions.Argmax(backdoor.Model.Forward(images)));
        Assert.True(undefended.Asr >= 0.9, $"The backdoor did not take: {undefended}.");

        // Defender's data, all from the training split: 500 clean images, 100 triggered non-target images (disjoint).
        var order = Enumerable.Range(0, backdoor.Train.Count).ToArray();
        new Random(5).Shuffle(order);
        var clean = order.Take(500).ToArray();
        var observed = order.Skip(500).Where(i => backdoor.Train.Labels[i] != MnistBackdoor.Target).Take(100).ToArray();
        using var fire = new FireGuard(backdoor.Model);
        fire.FitClean(ImageBatches.From(backdoor.Train, clean), clean.Select(i => backdoor.Train.Labels[i]).ToArray());
        fire.Observe(backdoor.Trigger.Apply(ImageBatches.From(backdoor.Train, observed)));

        var defended = backdoor.Measure(images => fire.Predict(images).Labels);
        output.WriteLine($"undefended {undefended}, FIRE {defended}; {fire.Plan.Selection}");
        Assert.True(defended.Asr <= 0.10, $"ASR {defended.Asr:P1} (undefended {undefended}); plan: {fire.Plan}.");
        Assert.True(undefended.Ca - defended.Ca <= 0.02, $"CA fell from {undefended.Ca:P1} to {defended.Ca:P1}; plan: {fire.Plan}.");
        Assert.Equal(MnistBackdoor.Target, fire.Plan.EstimatedTarget);
    }

    [Fact]
    public void ThePapersFireChoosesOneDenseTranslationAtOneLayer()
    {
        var order = Enumerable.Range(0, backdoor.Train.Count).ToArray();
        new Random(6).Shuffle(order);
        var clean = order.Take(300).ToArray();
        var observed = order.Skip(300).Where(i => backdoor.Train.Labels[i] != MnistBackdoor.Target).Take(50).ToArray();
        using var fire = new FireGuard(backdoor.Model, FirePaper.Options(seed: 0));
        fire.FitClean(ImageBatches.From(backdoor.Train, clean), clean.Select(i => backdoor.Train.Labels[i]).ToArray());
        fire.Observe(backdoor.Trigger.Apply(ImageBatches.From(backdoor.Train, observed)));

        output.WriteLine($"fire-paper: {fire.Plan}; {backdoor.Measure(images => fire.Predict(images).Labels)}");
        var repair = Assert.Single(fire.Plan.Repairs);
        Assert.Equal((RepairMode.Translate, DirectionDensity.Dense), (repair.Mode, repair.Density));
        Assert.Contains(repair.Alpha, new[] { 0.5f, 1f, 1.5f });
        Assert.Equal(MnistBackdoor.Target, fire.Plan.EstimatedTarget);
    }
}
