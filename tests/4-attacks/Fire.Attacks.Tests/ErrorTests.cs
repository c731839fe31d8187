using Fire.Attacks;
using Fire.Attacks.Specs;

namespace Fire.Attacks.Tests;

/// <summary>Bad parameters get errors that say what is wrong.</summary>
public sealed class ErrorTests
{
    private static readonly AttackOptions Cifar = new() { Shape = new ImageShape(3, 32, 32) };

    [Fact]
    public void PatchOutsideTheImage()
    {
        var error = Assert.Throws<ArgumentException>(() => AttackCatalog.Create("badnets", Cifar with { PatchPosition = "30,30" }));
        Assert.Equal("A 3x3 patch at row 30, column 30 does not fit in 32x32 images (it must lie within rows 0..31 and columns 0..31).", error.Message);
        Assert.Contains("does not fit", Assert.Throws<ArgumentException>(() => AttackCatalog.Create("badnets", Cifar with { PatchSize = 33 })).Message);
        Assert.Contains("is not one of", Assert.Throws<ArgumentException>(() => AttackCatalog.Create("badnets", Cifar with { PatchPosition = "middle" })).Message);
        Assert.Contains("--patch-pattern 'stripes' is not known", Assert.Throws<ArgumentException>(() => AttackCatalog.Create("badnets", Cifar with { PatchPattern = "stripes" })).Message);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void AlphaOutsideZeroToOne(double alpha)
    {
        var error = Assert.Throws<ArgumentException>(() => AttackCatalog.Create("blended", Cifar with { Alpha = alpha }));
        Assert.StartsWith("--alpha must be in [0, 1]", error.Message);
        Assert.StartsWith("--test-alpha must be in [0, 1]", Assert.Throws<ArgumentException>(() => AttackCatalog.Create("adaptive-blend", Cifar with { TestAlpha = alpha })).Message);
    }

    [Fact]
    public void UnknownAttackListsTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => AttackCatalog.Create("trojan-horse", Cifar));
        Assert.Equal("Unknown attack 'trojan-horse'. Known attacks: badnets, blended, wanet, sig, iad, adaptive-blend.", error.Message);
        Assert.Equal("badnets", AttackCatalog.Canonical("BadNet"));
        Assert.Equal("iad", AttackCatalog.Canonical("input-aware"));
    }

    [Fact]
    public void ParametersOfAnotherAttackAreRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => AttackCatalog.Create("badnets", Cifar with { Alpha = 0.3, K = 8 }));
        Assert.Equal("The badnets attack does not take --alpha, --warp-k. Its parameters: --patch-size, --patch-position, --patch-pattern, --patch-image, --patch-mask.", error.Message);
        var redraw = Assert.Throws<ArgumentException>(() => AttackCatalog.Create("blended", Cifar with { RedrawEachEpoch = true }));
        Assert.StartsWith("The blended attack does not take --redraw-each-epoch.", redraw.Message);
    }

    [Fact]
    public void TriggerImageThatCannotBeRead()
    {
        using var folder = new TempFolder();
        string missing = folder.File("nowhere.png");
        var error = Assert.Throws<InvalidDataException>(() => AttackCatalog.Create("blended", Cifar with { BlendImage = missing }));
        Assert.Contains($"--blend-image: cannot read trigger image '{missing}'", error.Message);

        string text = folder.File("notes.png");
        File.WriteAllText(text, "not an image at all");
        error = Assert.Throws<InvalidDataException>(() => AttackCatalog.Create("badnets", Cifar with { PatchImage = text }));
        Assert.Contains($"--patch-image: cannot read trigger image '{text}'", error.Message);
    }

    [Fact]
    public void OtherBadParameters()
    {
        Assert.Contains("--rate must be", Assert.Throws<ArgumentException>(() => AttackCatalog.Create("badnets", Cifar with { Rate = 2 })).Message);
        Assert.Contains("--target must be", Assert.Throws<ArgumentException>(() => AttackCatalog.Create("badnets", Cifar with { Target = -1 })).Message);
        Assert.Contains("--delta must be", Assert.Throws<ArgumentException>(() => AttackCatalog.Create("sig", Cifar with { Delta = 300 })).Message);
        Assert.Contains("--warp-k (the warping field's resolution k)", Assert.Throws<ArgumentException>(() => AttackCatalog.Create("wanet", Cifar with { K = 0 })).Message);
        Assert.Contains("between 1 and the image side 32, got 33", Assert.Throws<ArgumentException>(() => AttackCatalog.Create("wanet", Cifar with { K = 33 })).Message);
        Assert.Equal(32, ((WaNetAttack)AttackCatalog.Create("wanet", Cifar with { K = 32 })).Warp.K);
        Assert.Contains("--pieces must be a square", Assert.Throws<ArgumentException>(() => AttackCatalog.Create("adaptive-blend", Cifar with { Pieces = 10 })).Message);
        Assert.Contains("no clean-label mode", Assert.Throws<ArgumentException>(() => AttackCatalog.Create("iad", Cifar with { CleanLabel = true })).Message);
        Assert.Contains("divisible by 8", Assert.Throws<ArgumentException>(() =>
            new Fire.Attacks.IadNetworks(new ImageShape(1, 12, 12), 4, 3)).Message);
    }
}
