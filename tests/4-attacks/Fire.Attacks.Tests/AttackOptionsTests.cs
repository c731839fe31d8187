using Fire.Attacks;
using Fire.Attacks.Specs;

namespace Fire.Attacks.Tests;

/// <summary>Each attack's options record: declared once, with its defaults, reachable typed, flat or as command-line text.</summary>
public sealed class AttackOptionsTests
{
    private static readonly ImageShape Shape = new(3, 16, 16);

    public static TheoryData<string> Attacks => new() { "badnets", "blended", "wanet", "sig", "iad", "adaptive-blend" };

    [Fact]
    public void TheCatalogListsEachAttackOnceWithItsOptionsInDeclarationOrder()
    {
        Assert.Equal(["badnets", "blended", "wanet", "sig", "iad", "adaptive-blend"], AttackCatalog.Names);
        Assert.Equal(["--patch-size", "--patch-position", "--patch-pattern", "--patch-image", "--patch-mask"], AttackCatalog.Options("badnets"));
        Assert.Equal(["--blend-image", "--alpha"], AttackCatalog.Options("blend"));
        Assert.Equal(["--warp-k", "--warp-s", "--grid-rescale", "--cross-ratio", "--post-rotation", "--redraw-each-epoch"], AttackCatalog.Options("wanet"));
        Assert.Equal(["--delta", "--frequency"], AttackCatalog.Options("sig"));
        Assert.Equal(["--lambda-div", "--lambda-norm", "--mask-density", "--mask-epochs", "--cross-ratio", "--generator-lr", "--generator-channels",
            "--redraw-each-epoch"], AttackCatalog.Options("iad"));
        Assert.Equal(["--blend-image", "--alpha", "--test-alpha", "--pieces", "--mask-rate", "--cover-rate"], AttackCatalog.Options("adaptive-blend"));
        Assert.Equal(typeof(WaNetOptions), AttackCatalog.Entry("wanet").OptionsType);
    }

    [Fact]
    public void AnOptionSharedByAttacksHasOneValueTypeAndEveryFlatOptionBelongsToAnAttack()
    {
        foreach (var group in AttackCatalog.Entries.SelectMany(e => e.Flags).GroupBy(f => f.Name))
            Assert.Single(group.Select(f => f.ValueType).Distinct());
        var declared = AttackCatalog.Entries.SelectMany(e => e.Flags).Select(f => f.Property.Name).ToHashSet();
        Assert.All(AttackOptions.FlatProperties, p => Assert.Contains(p.Name, declared));
        Assert.Equal(25, AttackOptions.FlatProperties.Length);
    }

    [Fact]
    public void HelpShowsTheRecordsDefaultsAndTemplates()
    {
        var k = AttackCatalog.Entry("wanet").Flag("-k")!;
        Assert.Equal("--warp-k", k.Name);
        Assert.Equal("-k, --warp-k <N>", k.Template);
        Assert.Equal("Resolution of the warping field (default: 4).", k.Help);
        var redraw = AttackCatalog.Entry("wanet").Flag("--redraw-each-epoch")!;
        Assert.Equal("--redraw-each-epoch [BOOL]", redraw.Template);
        Assert.EndsWith("(the option alone means true) (default: true).", redraw.Help);
        Assert.EndsWith("(default: false).", AttackCatalog.Entry("iad").Flag("--redraw-each-epoch")!.Help);
        Assert.Equal("Mask density the size loss allows (default: 0.032).", AttackCatalog.Entry("iad").Flag("--mask-density")!.Help);
        // A default that depends on more than the record says so itself, and shows no "(default: )".
        Assert.Equal("Side of the square patch (default: 3; with --patch-image, the image's own size).", AttackCatalog.Entry("badnets").Flag("--patch-size")!.Help);
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public void ARecordAtItsDefaultsIsTheAttackAtItsDefaults(string name)
    {
        var plain = AttackCatalog.Create(name, new AttackOptions { Shape = Shape, Seed = 4 });
        var typed = AttackCatalog.Create(name, new AttackOptions { Shape = Shape, Seed = 4, Own = AttackCatalog.Entry(name).Defaults() });
        Assert.Equal(plain.Spec.ToJsonString(), typed.Spec.ToJsonString());
    }

    [Fact]
    public void TypedFlatAndTextOptionsMeanTheSame()
    {
        string Spec(AttackOptions options) => AttackCatalog.Create("wanet", options).Spec.ToJsonString();
        var basis = new AttackOptions { Shape = Shape };
        string flat = Spec(basis with { K = 8, S = 0.75, RedrawEachEpoch = false });
        Assert.Equal(flat, Spec(basis with { Own = new WaNetOptions { K = 8, S = 0.75, RedrawEachEpoch = false } }));
        Assert.Equal(flat, Spec(basis with { Arguments = [("-k", "8"), ("--warp-s", "0.75"), ("--redraw-each-epoch", "false")] }));
        // Flat options and text go over the record, field by field.
        Assert.Equal(flat, Spec(basis with { Own = new WaNetOptions { K = 3, S = 0.75 }, K = 8, Arguments = [("--redraw-each-epoch", "false")] }));
        Assert.Contains("\"redrawEachEpoch\": true", Spec(basis with { Own = new WaNetOptions { RedrawEachEpoch = false }, Arguments = [("--redraw-each-epoch", null)] }));
        Assert.Equal(new WaNetOptions { K = 3 }, new WaNetOptions { K = 3 }); // records: compared by value
    }

    [Fact]
    public void OptionsTheAttackDoesNotTakeAreNamedWhicheverWayTheyCame()
    {
        var basis = new AttackOptions { Shape = Shape };
        var error = Assert.Throws<ArgumentException>(() => AttackCatalog.Create("sig", basis with { PatchSize = 4, Arguments = [("--warp-k", "3")] }));
        Assert.Equal("The sig attack does not take --patch-size, --warp-k. Its parameters: --delta, --frequency.", error.Message);
        Assert.Equal(["--patch-size", "--warp-k"], (basis with { PatchSize = 4, Arguments = [("--warp-k", "3")] }).GivenParameters());
        Assert.Equal("The sig attack takes SigOptions, not BadNetsOptions.",
            Assert.Throws<ArgumentException>(() => AttackCatalog.Create("sig", basis with { Own = new BadNetsOptions() })).Message);
    }

    [Theory]
    [InlineData("--warp-k", "four", "--warp-k takes a whole number (N), got 'four'.")]
    [InlineData("--warp-s", "1,5", "--warp-s takes a number (S), got '1,5'.")]
    [InlineData("--redraw-each-epoch", "yes", "--redraw-each-epoch takes true or false (BOOL), got 'yes'.")]
    [InlineData("--warp-k", null, "--warp-k needs a value (N).")]
    public void TextThatIsNotAValueOfTheOptionsTypeIsAnError(string option, string? text, string message)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            AttackCatalog.Create("wanet", new AttackOptions { Shape = Shape, Arguments = [(option, text)] }));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void ValuesAreReadWithoutTheMachinesCulture()
    {
        var flag = AttackCatalog.Entry("sig").Flag("--delta")!;
        Assert.Equal(12.5, flag.Parse("12.5"));
        Assert.Equal(-3, AttackCatalog.Entry("badnets").Flag("--patch-size")!.Parse("-3"));
        Assert.Equal("a b.png", AttackCatalog.Entry("badnets").Flag("--patch-image")!.Parse("a b.png"));
    }
}
