using Fire.Guard.Onnx;
using Fire.Onnx;
using Fire.Engines.Onnx;
using Xunit.Abstractions;

namespace Fire.Guard.Onnx.Tests;

/// <summary>
/// A guard fitted through the TorchSharp engine, written into the model's ONNX export and run by ONNX Runtime: the same
/// labels as <see cref="FireGuard.Predict"/> and logits within 1e-4 of the repaired TorchSharp forward pass, per mode.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Slow)]
public class HardenedModelTests(BackdooredMnist mnist, ITestOutputHelper output) : IClassFixture<BackdooredMnist>
{
    private const float Tolerance = 1e-4f;

    public static TheoryData<string> Plans() => ["translate", "projection", "gated", "gated-projection", "conv2 gated + fc1 projection", "automatic"];

    [Theory]
    [MemberData(nameof(Plans))]
    public void Hardened_onnx_model_predicts_like_the_guard(string plan)
    {
        using var guard = mnist.FitGuard(Options(plan));
        Assert.False(guard.Plan.IsEmpty);
        var hardened = GuardOnnxExport.Harden(mnist.Onnx, guard.Plan, "mnist export");
        Assert.Equal(mnist.Onnx.Graph.Input.Select(i => i.Name), hardened.Graph.Input.Select(i => i.Name));
        Assert.Equal(mnist.Onnx.Graph.Output.Select(o => o.Name), hardened.Graph.Output.Select(o => o.Name));
        Assert.True(OnnxModelFile.DefaultOpset(hardened) >= 13);
        using var plain = new OnnxClassifier(mnist.Onnx, "plain export");
        using var session = new OnnxClassifier(hardened, "hardened export");

        int changed = 0;
        foreach (var images in new[] { mnist.CleanTest, mnist.PoisonedTest })
        {
            var labels = ModelPredictions.Argmax(session.Logits(images));
            Assert.Equal(guard.Predict(images).Labels, labels);
            var expected = mnist.Model.Forward(images, guard.Plan.CreateAccess(mnist.Model.LayerNames));
            var logits = session.Logits(images);
            for (int i = 0; i < expected.Data.Length; i++)
                Assert.True(MathF.Abs(expected.Data[i] - logits.Data[i]) <= Tolerance, $"{plan}: logit {i} is {logits.Data[i]} in ONNX Runtime, {expected.Data[i]} repaired in TorchSharp.");
            var undefended = ModelPredictions.Argmax(plain.Logits(images));
            changed += labels.Zip(undefended).Count(p => p.First != p.Second);
        }
        output.WriteLine($"{plan}: {guard.Plan}; {changed} of 1000 test labels changed by the repair");
        Assert.True(changed > 0, $"The repair ({guard.Plan}) changed no prediction: the comparison would not tell a missing repair.");
    }

    private static FireOptions? Options(string plan) => plan switch
    {
        "automatic" => null,
        "conv2 gated + fc1 projection" => new FireOptions { FixedPlan = [new RepairSetting("conv2", RepairMode.GatedTranslate, 1f), new RepairSetting("fc1", RepairMode.Projection, 1f)] },
        _ => new FireOptions { FixedPlan = [new RepairSetting("conv3", RepairModes.Parse(plan), 1f)] },
    };
}
