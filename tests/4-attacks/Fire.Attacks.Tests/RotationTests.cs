using Fire.Attacks;
using Fire.Attacks.Specs;
using static TorchSharp.torch;

namespace Fire.Attacks.Tests;

/// <summary>WaNet's post-warp rotation: the geometry on fixed inputs, the share it touches, and old specifications.</summary>
public sealed class RotationTests
{
    [Fact]
    public void QuarterTurnsMovePixelCentresOntoPixelCentres()
    {
        var images = Fixtures.Ramp(2, new ImageShape(2, 3, 3));
        var turned = RandomRotation.Rotate(images, tensor(new[] { 90f, -90f }));
        AssertClose(images[0].rot90(-1, (1, 2)), turned[0]); // clockwise on screen
        AssertClose(images[1].rot90(1, (1, 2)), turned[1]);
    }

    [Fact]
    public void ZeroDegreesIsTheIdentityAndAHalfTurnOfAWideImageFlipsBothAxes()
    {
        var wide = Fixtures.Ramp(1, new ImageShape(1, 2, 4));
        AssertClose(wide, RandomRotation.Rotate(wide, tensor(new[] { 0f })));
        AssertClose(wide.flip(2, 3), RandomRotation.Rotate(wide, tensor(new[] { 180f })));
    }

    [Fact]
    public void ApplyRotatesASeededShareAndLeavesTheRestUntouched()
    {
        var images = Fixtures.Ramp(400, new ImageShape(1, 8, 8));
        var rotation = new RandomRotation(10);
        Tensor Run() { using var g = new Generator(42); return rotation.Apply(images, g); }
        var once = Run();
        Assert.Equal(Fixtures.Values(once), Fixtures.Values(Run()));
        var changed = Enumerable.Range(0, 400).Count(i => !Fixtures.Values(once[i]).SequenceEqual(Fixtures.Values(images[i])));
        Assert.InRange(changed, 70, 130); // a quarter of 400, binomial spread
        using var g0 = new Generator(42);
        Assert.Same(images, new RandomRotation(0).Apply(images, g0));
    }

    [Fact]
    public void WaNetRotatesTheWholeBatchAfterPoisoningOnlyInTraining()
    {
        var shape = new ImageShape(1, 8, 8);
        var trigger = new WaNetTrigger(shape, 4, 0.5, 1, WaNetTrigger.SeededNoise(4, 0));
        var selection = new EpochSelection(positions: Enumerable.Range(0, 64).ToArray(), eligible: [0], poisonCount: 1, auxiliaryCount: 0, seed: 0, redraw: false);
        var plain = new WaNetPoisoning(trigger, selection, target: 0, seed: 1);
        var rotating = new WaNetPoisoning(trigger, selection, target: 0, seed: 1, new RandomRotation(10, share: 1));
        var images = Fixtures.Ramp(64, shape);
        var labels = tensor(Enumerable.Repeat(3L, 64).ToArray());
        int[] indices = Enumerable.Range(0, 64).ToArray();
        var (x, y) = rotating.Apply(images, labels, indices, epoch: 0, training: true);
        var (reference, referenceLabels) = plain.Apply(images, labels, indices, epoch: 0, training: true);
        Assert.Equal(referenceLabels.data<long>().ToArray(), y.data<long>().ToArray());
        Assert.All(Enumerable.Range(0, 64), i => Assert.NotEqual(Fixtures.Values(reference[i]), Fixtures.Values(x[i])));
        Assert.Equal(Fixtures.Values(images), Fixtures.Values(rotating.Apply(images, labels, indices, epoch: 0, training: false).Images));
    }

    [Fact]
    public void WaNetRotatesByDefaultWhileSpecificationsWithoutTheParameterReadAsNone()
    {
        var shape = new ImageShape(3, 32, 32);
        var attack = AttackCatalog.Create("wanet", new AttackOptions { Shape = shape });
        Assert.Equal(10, attack.Spec.Read<WaNetAttack.Parameters>().PostRotation);
        var parameters = attack.Spec.Parameters.DeepClone().AsObject();
        Assert.True(parameters.Remove("postRotation"));
        var older = attack.Spec with { Parameters = parameters };
        Assert.Equal(0, older.Read<WaNetAttack.Parameters>().PostRotation);
        Assert.Equal(0, AttackCatalog.Create("wanet", new AttackOptions { Shape = shape, PostRotation = 0 }).Spec.Read<WaNetAttack.Parameters>().PostRotation);
    }

    [Fact]
    public void BadAnglesAndShapesAreClearErrors()
    {
        var error = Assert.Throws<ArgumentException>(() => AttackCatalog.Create("wanet", new AttackOptions { Shape = new ImageShape(3, 32, 32), PostRotation = -5 }));
        Assert.Contains("--post-rotation", error.Message);
        Assert.Contains("must be in [0, 180]", Assert.Throws<ArgumentException>(() =>
            AttackCatalog.Create("wanet", new AttackOptions { Shape = new ImageShape(3, 32, 32), PostRotation = 181 })).Message);
        Assert.Equal(180, new RandomRotation(180).MaxDegrees);
        Assert.Contains("--post-rotation", Assert.Throws<ArgumentException>(() => AttackCatalog.Create("badnets",
            new AttackOptions { Shape = new ImageShape(3, 32, 32), PostRotation = 5 })).Message);
        Assert.Contains("one angle per image", Assert.Throws<ArgumentException>(() =>
            RandomRotation.Rotate(zeros(2, 1, 4, 4), zeros(3))).Message);
    }

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        var (e, a) = (Fixtures.Values(expected), Fixtures.Values(actual));
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++) Assert.True(MathF.Abs(e[i] - a[i]) < 1e-5f, $"value {i}: expected {e[i]}, got {a[i]}");
    }
}
