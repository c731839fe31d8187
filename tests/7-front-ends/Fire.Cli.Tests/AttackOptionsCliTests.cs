using Fire.Attacks;
using Fire.Cli.Commands.AttackCommands;

namespace Fire.Cli.Tests;

/// <summary>The attacks' own options reach the command line from their records alone: parsed, refused and listed in --help.</summary>
public sealed class AttackOptionsCliTests
{
    [Theory]
    [InlineData("attack", "train")]
    [InlineData("attack", "preview")]
    public void Help_lists_every_attack_and_its_options_from_the_catalog(params string[] command)
    {
        var (code, output) = CliRunner.Run([.. command, "--help"]);
        Assert.True(code == 0, output);
        Assert.Contains("ATTACK OPTIONS:", output);
        foreach (var attack in AttackCatalog.Entries)
        {
            Assert.Contains(attack.Description, output);
            foreach (var flag in attack.Flags) Assert.Contains(flag.Template, output);
        }
        Assert.Contains("Resolution of the warping field (default: 4).", output);
    }

    [Fact]
    public void Commands_that_build_no_attack_list_no_attack_options()
    {
        var (code, output) = CliRunner.Run("train", "--help");
        Assert.True(code == 0, output);
        Assert.DoesNotContain("ATTACK OPTIONS", output);
    }

    [Fact]
    public void Left_over_options_that_an_attack_declares_are_claimed_in_order_and_the_rest_stay_unknown()
    {
        var settings = new AttackSettings();
        var remaining = new (string Key, string? Value)[] { ("-k", "8"), ("--warp-s", "0.75"), ("--redraw-each-epoch", null), ("--wrap-s", "1") }
            .ToLookup(o => o.Key, o => o.Value);
        Assert.Equal(["--wrap-s"], settings.Claim(remaining));
        Assert.Equal([("--warp-k", "8"), ("--warp-s", "0.75"), ("--redraw-each-epoch", (string?)null)], settings.AttackArguments);

        var wanet = (WaNetAttack)AttackCatalog.Create("wanet", settings.ToOptions("wanet", new ImageShape(1, 28, 28)));
        Assert.Equal((8, 0.75), (wanet.Warp.K, wanet.Warp.S));
        Assert.True(wanet.Spec.RedrawEachEpoch);
        // A command covering several attacks hands each only its own; one attack alone rejects the others.
        Assert.Empty(settings.ToOptions("sig", new ImageShape(1, 28, 28), onlyItsOwn: true).Arguments);
        Assert.StartsWith("The sig attack does not take --warp-k, --warp-s, --redraw-each-epoch.",
            Assert.Throws<ArgumentException>(() => AttackCatalog.Create("sig", settings.ToOptions("sig", new ImageShape(1, 28, 28)))).Message);
    }

    [Fact]
    public void The_trigger_prefix_reaches_the_attack_and_formats_back()
    {
        var remaining = new (string Key, string? Value)[] { ("--trigger-alpha", "0.3"), ("--blend-image", "p q.png"), ("--trigger-bogus", "1") }
            .ToLookup(o => o.Key, o => o.Value);
        var claimed = CommandLineAttacks.Claim(remaining, out var unknown);
        Assert.Equal([("--alpha", "0.3"), ("--blend-image", (string?)"p q.png")], claimed);
        Assert.Equal(["--trigger-bogus"], unknown);
        Assert.Equal(["--trigger-alpha 0.3", "--trigger-blend-image \"p q.png\""], CommandLineAttacks.Format(claimed));
    }

    [Theory]
    [InlineData("'--warp-kk'", "--warp-kk", "4")]
    [InlineData("--warp-k takes a whole number (N), got 'four'.", "--warp-k", "four")]
    public void A_mistyped_attack_option_or_value_is_one_error_line(string message, params string[] option)
    {
        var (code, output) = CliRunner.Run(["attack", "--dataset", "mnist", "--attack", "wanet", "--epochs", "1", .. option]);
        Assert.Equal(1, code);
        Assert.Contains(message, output.Replace("\n", ""));
    }
}
