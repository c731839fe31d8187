using Fire.Attacks.Images;
using Fire.Attacks;
using Fire.Attacks.Specs;
using Fire.Data.Imaging;
using static TorchSharp.torch;

namespace Fire.Attacks.Tests;

/// <summary>Exact pixel values of every trigger on fixed inputs.</summary>
public sealed class TriggerTests
{
    private static readonly ImageShape Cifar = new(3, 32, 32);

    [Fact]
    public void BadNetsDefaultIsAWhite3x3SquareInTheBottomRightCorner()
    {
        var attack = AttackCatalog.Create("badnets", new AttackOptions { Shape = Cifar });
        var output = Fixtures.Values(attack.Trigger.Apply(Fixtures.Constant(0.5f, 2, Cifar)));
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 32; y++)
                    for (int x = 0; x < 32; x++)
                    {
                        float expected = y >= 29 && x >= 29 ? 1f : 0.5f;
                        Assert.Equal(expected, output[((n * 3 + c) * 32 + y) * 32 + x]);
                    }
    }

    [Fact]
    public void BadNetsPatternsAndPositionsPlaceThePatchExactly()
    {
        var shape = new ImageShape(1, 6, 7);
        var attack = AttackCatalog.Create("badnets", new AttackOptions { Shape = shape, PatchSize = 2, PatchPattern = "checkerboard", PatchPosition = "1,4" });
        var output = Fixtures.Values(attack.Trigger.Apply(Fixtures.Constant(0.25f, 1, shape)));
        var expected = Enumerable.Repeat(0.25f, 42).ToArray();
        expected[1 * 7 + 4] = 1f; // checkerboard: white where row + column is even
        expected[1 * 7 + 5] = 0f;
        expected[2 * 7 + 4] = 0f;
        expected[2 * 7 + 5] = 1f;
        Assert.Equal(expected, output);

        Assert.Equal((0, 0), BadNetsAttack.Place("top-left", 3, 3, Cifar));
        Assert.Equal((0, 29), BadNetsAttack.Place("top-right", 3, 3, Cifar));
        Assert.Equal((29, 0), BadNetsAttack.Place("bottom-left", 3, 3, Cifar));
        Assert.Equal((14, 14), BadNetsAttack.Place("center", 4, 4, Cifar));
    }

    [Fact]
    public void BadNetsImagePatchIsMixedByItsMask()
    {
        using var folder = new TempFolder();
        // 2x2 RGB patch: red, green / blue, white; mask: 255, 0 / 128, 255.
        var patch = new PlanarImage([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255], 3, 2, 2);
        var mask = new PlanarImage([255, 0, 128, 255], 1, 2, 2);
        File.WriteAllBytes(folder.File("patch.png"), Convert.FromBase64String(TriggerImages.ToPngBase64(patch)));
        File.WriteAllBytes(folder.File("mask.png"), Convert.FromBase64String(TriggerImages.ToPngBase64(mask)));
        var shape = new ImageShape(3, 5, 5);
        var attack = AttackCatalog.Create("badnets", new AttackOptions
        {
            Shape = shape, PatchImage = folder.File("patch.png"), PatchMask = folder.File("mask.png"), PatchPosition = "1,2",
        });
        var output = Fixtures.Values(attack.Trigger.Apply(Fixtures.Constant(0f, 1, shape)));
        float At(int c, int y, int x) => output[(c * 5 + y) * 5 + x];
        Assert.Equal([1f, 0f, 0f], [At(0, 1, 2), At(1, 1, 2), At(2, 1, 2)]); // red, mask 255
        Assert.Equal([0f, 0f, 0f], [At(0, 1, 3), At(1, 1, 3), At(2, 1, 3)]); // green hidden by mask 0
        Assert.Equal(0f, At(0, 2, 2));
        Assert.Equal(128f / 255f, At(2, 2, 2), 6); // blue at mask 128: 0 * (1 - m) + 1 * m
        Assert.Equal([1f, 1f, 1f], [At(0, 2, 3), At(1, 2, 3), At(2, 2, 3)]);
        Assert.Equal(5, output.Count(v => v != 0f)); // red, half blue and white: the rest of the image is untouched
    }

    [Fact]
    public void BlendedMixesThePatternByAlpha()
    {
        var shape = new ImageShape(3, 4, 4);
        var pattern = new PlanarImage(Enumerable.Range(0, shape.Size).Select(i => (byte)(i * 5)).ToArray(), 3, 4, 4);
        var trigger = new BlendedTrigger(shape, pattern, 0.2);
        var input = Fixtures.Ramp(2, shape);
        var x = Fixtures.Values(input);
        var output = Fixtures.Values(trigger.Apply(input));
        for (int i = 0; i < output.Length; i++)
            Assert.Equal(0.8 * x[i] + 0.2 * (pattern.Pixels[i % shape.Size] / 255.0), output[i], 1e-6);
    }

    [Fact]
    public void BlendedDefaultPatternIsSeededNoise()
    {
        var a = (BlendedAttack)AttackCatalog.Create("blended", new AttackOptions { Shape = Cifar, Seed = 1 });
        var b = (BlendedAttack)AttackCatalog.Create("blended", new AttackOptions { Shape = Cifar, Seed = 1 });
        var c = (BlendedAttack)AttackCatalog.Create("blended", new AttackOptions { Shape = Cifar, Seed = 2 });
        var pa = a.Spec.Read<BlendedAttack.Parameters>();
        Assert.Equal(BlendPattern.SeededNoise, pa.Pattern);
        Assert.Equal(0.2, pa.Alpha);
        Assert.Equal(pa.PatternPng, b.Spec.Read<BlendedAttack.Parameters>().PatternPng);
        Assert.NotEqual(pa.PatternPng, c.Spec.Read<BlendedAttack.Parameters>().PatternPng);
    }

    [Fact]
    public void WaNetIsTheIdentityAtZeroStrength()
    {
        foreach (var shape in new[] { Cifar, new ImageShape(1, 8, 12) })
        {
            var trigger = new WaNetTrigger(shape, 4, 0, 1, WaNetTrigger.SeededNoise(4, 0));
            var input = Fixtures.Ramp(3, shape);
            var output = Fixtures.Values(trigger.Apply(input));
            var x = Fixtures.Values(input);
            Assert.Equal(x.Length, output.Length);
            double worst = x.Zip(output).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(worst <= 1e-6, $"s = 0 must leave every pixel as it was; the largest change is {worst:E2}");
        }
    }

    [Fact]
    public void WaNetGridIsTheIdentityPlusTheScaledField()
    {
        var shape = new ImageShape(3, 32, 32);
        var noise = WaNetTrigger.SeededNoise(4, 7);
        Assert.Equal(1.0, noise.Average(MathF.Abs), 5); // mean |noise| = 1 as BackdoorBench scales it
        var identity = Fixtures.Values(WaNetTrigger.IdentityGrid(shape));
        Assert.Equal([-1f, -1f], identity[..2]);
        Assert.Equal(-1 + 2f / 31, identity[2], 6); // x of the second column
        Assert.Equal(1f, identity[^1]);
        var weak = Fixtures.Values(new WaNetTrigger(shape, 4, 0.5, 1, noise).Grid);
        var strong = Fixtures.Values(new WaNetTrigger(shape, 4, 1.0, 1, noise).Grid);
        // Away from the clamped border the offset is linear in s: strong - identity = 2 (weak - identity).
        for (int i = 0; i < identity.Length; i++)
            if (Math.Abs(strong[i]) < 0.9) Assert.Equal(2 * (weak[i] - identity[i]), strong[i] - identity[i], 1e-5);
        var maxOffset = weak.Zip(identity).Max(p => Math.Abs(p.First - p.Second)) * 31 / 2; // in pixels
        Assert.InRange(maxOffset, 0.05, 2.0); // s = 0.5 moves pixels by at most a pixel or so
    }

    [Fact]
    public void WaNetNoiseModeDiffersFromTheWarpByAtMostAPixelOfJitter()
    {
        var shape = new ImageShape(1, 16, 16);
        var trigger = new WaNetTrigger(shape, 4, 0.5, 1, WaNetTrigger.SeededNoise(4, 0));
        var input = Fixtures.Ramp(2, shape);
        using var g1 = new Generator(5);
        using var g2 = new Generator(5);
        var a = Fixtures.Values(trigger.ApplyNoise(input, g1));
        Assert.Equal(a, Fixtures.Values(trigger.ApplyNoise(input, g2))); // seeded
        Assert.NotEqual(Fixtures.Values(trigger.Apply(input)), a);
    }

    [Fact]
    public void SigAddsAHorizontalSinusoidAndClips()
    {
        var shape = new ImageShape(2, 3, 8);
        var trigger = new SigTrigger(shape, 40, 1);
        var output = Fixtures.Values(trigger.Apply(Fixtures.Constant(0.5f, 1, shape)));
        for (int c = 0; c < 2; c++)
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 8; x++)
                    Assert.Equal(0.5 + 40 / 255.0 * Math.Sin(2 * Math.PI * x / 8), output[(c * 3 + y) * 8 + x], 6);
        var low = Fixtures.Values(trigger.Apply(Fixtures.Constant(0f, 1, shape)));
        Assert.Equal(0f, low[6]); // sin(3 pi / 2) = -1: clipped at 0
        Assert.Equal(40f / 255f, low[2], 6);
    }

    [Fact]
    public void SigBytesMatchBackdoorBench()
    {
        // BackdoorBench: uint8(clip(img + 40 sin(2 pi j 6 / 32))), truncating: at column 1, 100 + 36.955 -> 136.
        // Where the sinusoid crosses zero (sin(k pi) = +-1e-16 in floating point) the exact value, 100, is kept.
        var shape = new ImageShape(1, 1, 32);
        var trigger = new SigTrigger(shape, 40, 6);
        var bytes = PixelBytes.Quantize(Fixtures.Values(trigger.Apply(Fixtures.Constant(100 / 255f, 1, shape))));
        for (int j = 0; j < 32; j++)
            Assert.Equal((byte)Math.Clamp(Math.Floor(100 + 40 * Math.Sin(2 * Math.PI * j * 6 / 32) + 1e-9), 0, 255), bytes[j]);
        Assert.Equal([100, 136, 128, 84, 60, 84, 128, 136], bytes[..8]);
        var bright = PixelBytes.Quantize(Fixtures.Values(trigger.Apply(Fixtures.Constant(250 / 255f, 1, shape))));
        Assert.Equal(255, bright[1]); // clipped
    }

    [Fact]
    public void IadTriggerComposesPatternAndMaskDeterministically()
    {
        var x = Fixtures.Constant(0.2f, 1, new ImageShape(1, 1, 2));
        var pattern = tensor(new[] { 1f, 0.6f }, new long[] { 1, 1, 1, 2 });
        var mask = tensor(new[] { 1f, 0.5f }, new long[] { 1, 1, 1, 2 });
        Assert.Equal([1f, 0.4f], Fixtures.Values(IadTrigger.Compose(x, pattern, mask)), new FloatTolerance(1e-6f));

        var shape = new ImageShape(3, 8, 8);
        manual_seed(3);
        var trigger = new IadTrigger(new IadNetworks(shape, 4, 3));
        var input = Fixtures.Ramp(4, shape);
        var first = Fixtures.Values(trigger.Apply(input));
        Assert.Equal(first, Fixtures.Values(trigger.Apply(input)));
        Assert.All(first, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void AdaptiveBlendTestTriggerIsTheFullBlendAndTrainingMasksHideHalfThePieces()
    {
        var shape = new ImageShape(1, 8, 8);
        var attack = (AdaptiveBlendAttack)AttackCatalog.Create("adaptive-blend", new AttackOptions { Shape = shape });
        var p = attack.Spec.Read<AdaptiveBlendAttack.Parameters>();
        Assert.Equal((0.15, 0.2, 16, 0.5, 0.003), (p.Alpha, p.TestAlpha, p.Pieces, p.MaskRate, p.CoverRate));
        Assert.Equal(0.003, attack.Spec.Rate);
        var pattern = BlendPattern.Restore(p.PatternPng, shape);
        var output = Fixtures.Values(attack.Trigger.Apply(Fixtures.Constant(0.5f, 1, shape)));
        for (int i = 0; i < 64; i++) Assert.Equal(0.8 * 0.5 + 0.2 * pattern.Pixels[i] / 255.0, output[i], 6);

        var mask = Fixtures.Values(attack.PieceMask(5));
        Assert.Equal(32, mask.Count(v => v == 0)); // 8 of 16 pieces of 2x2 pixels hidden
        Assert.Equal(mask, Fixtures.Values(attack.PieceMask(5)));
        Assert.NotEqual(mask, Fixtures.Values(attack.PieceMask(6)));
    }

    [Fact]
    public void EngineNeutralBatchesGetTheSameTrigger()
    {
        var shape = new ImageShape(3, 8, 8);
        var trigger = AttackCatalog.Create("blended", new AttackOptions { Shape = shape }).Trigger;
        var input = Fixtures.Ramp(2, shape);
        var batch = new Fire.Core.FloatBatch(Fixtures.Values(input), [2, 3, 8, 8]);
        var output = trigger.Apply(batch);
        Assert.Equal([2, 3, 8, 8], output.Shape);
        Assert.Equal(Fixtures.Values(trigger.Apply(input)), output.Data, new FloatTolerance(1e-7f));
        Assert.Contains("built for images of 3x8x8", Assert.Throws<ArgumentException>(() =>
            trigger.Apply(new Fire.Core.FloatBatch(new float[2 * 64], [2, 1, 8, 8]))).Message);
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float value) => 0;
    }
}
