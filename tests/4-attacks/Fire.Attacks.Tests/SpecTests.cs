using System.Text.Json.Nodes;
using Fire.Attacks.Images;
using Fire.Attacks;
using Fire.Attacks.Specs;
using Fire.Data.Imaging;
using static TorchSharp.torch;

namespace Fire.Attacks.Tests;

/// <summary>A saved specification rebuilds the very same trigger.</summary>
public sealed class SpecTests
{
    private static readonly ImageShape Shape = new(3, 16, 16);

    public static TheoryData<string> StaticAttacks => new() { "badnets", "blended", "wanet", "sig", "adaptive-blend" };

    [Theory]
    [MemberData(nameof(StaticAttacks))]
    public void JsonRoundTripRebuildsAnIdenticalTrigger(string name)
    {
        var attack = AttackCatalog.Create(name, new AttackOptions { Shape = Shape, Seed = 11, Target = 2 });
        var restored = RoundTrip(attack, directory: "");
        Assert.Equal(attack.Spec.ToJsonString(), restored.Spec.ToJsonString());
        AssertSameOutput(attack, restored);
    }

    [Theory]
    [InlineData("cifar10", 10, null, 2)]  // 25 x 10 / 100 = 2.5, rounded to even
    [InlineData("gtsrb", 10, null, 5)]    // 25 x 10 / 50
    [InlineData("gtsrb", 1, null, 1)]     // never below one epoch
    [InlineData("cifar10", 400, null, 25)] // never above BackdoorBench's 25
    [InlineData("gtsrb", 10, 7, 7)]       // an explicit count wins
    public void RunsScaleIadMaskPretrainingLikeTheTraining(string dataset, int epochs, int? maskEpochs, int expected)
    {
        var iad = AttackCatalog.CreateForRun("input-aware", new ImageShape(3, 32, 32), 0, dataset, epochs, maskEpochs);
        Assert.Equal(expected, iad.Spec.Read<IadAttack.Parameters>().MaskEpochs);
        Assert.Equal("iad", iad.Spec.Attack);
    }

    [Fact]
    public void RunsKeepOtherAttacksAtTheirDefaults() =>
        Assert.Equal(AttackCatalog.Create("badnets", new AttackOptions { Shape = Shape }).Spec.ToJsonString(),
            AttackCatalog.CreateForRun("badnet", Shape, 0, "gtsrb", 10, maskEpochs: 3).Spec.ToJsonString());

    [Fact]
    public void OnlyARedrawnSelectionIsWrittenSoFixedSetSpecificationsReadAsBefore()
    {
        var fixedSet = AttackCatalog.Create("wanet", new AttackOptions { Shape = Shape, RedrawEachEpoch = false });
        var redrawn = AttackCatalog.Create("wanet", new AttackOptions { Shape = Shape, RedrawEachEpoch = true });
        Assert.DoesNotContain("redrawEachEpoch", fixedSet.Spec.ToJsonString());
        Assert.Contains("\"redrawEachEpoch\": true", redrawn.Spec.ToJsonString());
        Assert.True(RoundTrip(redrawn, directory: "").Spec.RedrawEachEpoch);
        Assert.False(RoundTrip(fixedSet, directory: "").Spec.RedrawEachEpoch);
    }

    [Fact]
    public void WaNetRedrawsByDefaultAsBackdoorBenchAndIadKeepsOneFixedSet()
    {
        Assert.True(AttackCatalog.Create("wanet", new AttackOptions { Shape = Shape }).Spec.RedrawEachEpoch);
        Assert.False(AttackCatalog.Create("iad", new AttackOptions { Shape = Shape }).Spec.RedrawEachEpoch);
        Assert.True(AttackCatalog.Create("iad", new AttackOptions { Shape = Shape, RedrawEachEpoch = true }).Spec.RedrawEachEpoch);
    }

    [Fact]
    public void ImageTriggersTravelInsideTheSpecification()
    {
        using var folder = new TempFolder();
        var picture = new PlanarImage(Enumerable.Range(0, 3 * 20 * 24).Select(i => (byte)(i * 7)).ToArray(), 3, 20, 24);
        File.WriteAllBytes(folder.File("picture.png"), Convert.FromBase64String(TriggerImages.ToPngBase64(picture)));
        var blended = AttackCatalog.Create("blended", new AttackOptions { Shape = Shape, BlendImage = folder.File("picture.png"), Alpha = 0.3 });
        var badnets = AttackCatalog.Create("badnets", new AttackOptions { Shape = Shape, PatchImage = folder.File("picture.png"), PatchSize = 5 });
        var json = new[] { blended.Spec.ToJsonString(), badnets.Spec.ToJsonString() };
        File.Delete(folder.File("picture.png")); // the specification no longer needs the file
        Assert.Equal("picture.png", blended.Spec.Read<BlendedAttack.Parameters>().Pattern);
        AssertSameOutput(blended, AttackCatalog.FromSpec(AttackSpec.FromJson(JsonNode.Parse(json[0])!, "test"), ""));
        AssertSameOutput(badnets, AttackCatalog.FromSpec(AttackSpec.FromJson(JsonNode.Parse(json[1])!, "test"), ""));
    }

    [Fact]
    public void IadRoundTripLoadsTheGeneratorFromTheHashedWeightsFile()
    {
        using var folder = new TempFolder();
        var shape = new ImageShape(1, 8, 8);
        var attack = (IadAttack)AttackCatalog.Create("iad", new AttackOptions { Shape = shape, GeneratorChannels = 4, Seed = 3 });
        Assert.Equal(3, attack.Spec.Read<IadAttack.Parameters>().GeneratorSteps);
        attack.Networks.train();
        using (no_grad())
            for (int i = 0; i < 3; i++) // move the batch-norm statistics away from their initial values
            {
                attack.Networks.Generator.call(rand(8, 1, 8, 8));
                attack.Networks.MaskNet.call(rand(8, 1, 8, 8));
            }
        attack.SaveFiles(folder.File("model.pt"));
        Assert.Equal("model.pt.iad", attack.Spec.Weights!.Path);
        Assert.Equal(64, attack.Spec.Weights.Sha256.Length);

        var restored = RoundTrip(attack, folder.Path);
        AssertSameOutput(attack, restored);

        File.AppendAllText(folder.File("model.pt.iad"), "x");
        var error = Assert.Throws<InvalidDataException>(() => RoundTrip(attack, folder.Path));
        Assert.Contains("SHA-256", error.Message);
        File.Delete(folder.File("model.pt.iad"));
        Assert.Throws<FileNotFoundException>(() => RoundTrip(attack, folder.Path));
    }

    private static BackdoorAttack RoundTrip(BackdoorAttack attack, string directory) =>
        AttackCatalog.FromSpec(AttackSpec.FromJson(JsonNode.Parse(attack.Spec.ToJsonString())!, "test"), directory);

    private static void AssertSameOutput(BackdoorAttack a, BackdoorAttack b)
    {
        var input = Fixtures.Ramp(4, a.Shape);
        var expected = Fixtures.Values(a.Trigger.Apply(input));
        Assert.Equal(expected, Fixtures.Values(b.Trigger.Apply(input)));
        Assert.NotEqual(Fixtures.Values(input), expected);
        Assert.Equal(PixelBytes.Quantize(expected), PixelBytes.Quantize(Fixtures.Values(b.Trigger.Apply(input))));
    }
}
