using Fire.Evaluation.Benchmark;

namespace Fire.Evaluation.Tests.Benchmark;

public class BenchmarkDefenseTests
{
    [Theory]
    [InlineData("fire", "fire-unpaired", true, false, null)]
    [InlineData("FIRE-Paired", "fire-paired", true, true, null)]
    [InlineData("fire-paired@10", "fire-paired@10", true, true, 10)]
    [InlineData("fire@100", "fire-unpaired@100", true, false, 100)]
    [InlineData("fire-paper", "fire-paper", true, false, null)]
    [InlineData("Fire-Paper@10", "fire-paper@10", true, false, 10)]
    [InlineData("fire-paper-noaug@100", "fire-paper-noaug@100", true, false, 100)]
    [InlineData("fire-aug", "fire-aug", true, false, null)]
    [InlineData("scale-up", "scale-up", false, false, null)]
    [InlineData("ibd-psc", "ibd-psc", false, false, null)]
    [InlineData("Strip", "strip", false, false, null)]
    [InlineData("clipping", "clip", false, false, null)]
    [InlineData("none", "none", false, false, null)]
    public void Names_parse_to_their_canonical_form(string name, string canonical, bool isFire, bool paired, int? observed)
    {
        var defense = BenchmarkDefense.Parse(name);
        Assert.Equal((canonical, isFire, paired, observed), (defense.Name, defense.IsFire, defense.Paired, defense.Observed));
        Assert.Equal(defense, BenchmarkDefense.Parse(defense.Name));
    }

    [Fact]
    public void Only_fire_variants_without_k_have_a_streaming_curve_and_k_overrides_the_recipe()
    {
        var recipe = new BenchmarkRecipe { Observed = 100 };
        Assert.True(BenchmarkDefense.Parse("fire").HasStreamingCurve);
        Assert.False(BenchmarkDefense.Parse("fire@10").HasStreamingCurve);
        Assert.False(BenchmarkDefense.Parse("strip").HasStreamingCurve);
        Assert.Equal(10, BenchmarkDefense.Parse("fire@10").ObservedCount(recipe));
        Assert.Equal(100, BenchmarkDefense.Parse("fire").ObservedCount(recipe));
    }

    [Fact]
    public void Only_the_detectors_that_abstain_on_flagged_inputs_are_detectors()
    {
        var detectors = BenchmarkDefense.Known.Where(name => BenchmarkDefense.Parse(name).IsDetector).Order().ToList();
        Assert.Equal(["ibd-psc", "scale-up", "strip"], detectors);
        Assert.True(BenchmarkDefense.Parse("STRIP").IsDetector);
        Assert.False(BenchmarkDefense.Parse("fire-paper@10").IsDetector);
    }

    [Fact]
    public void Fire_variants_carry_their_options()
    {
        var paper = BenchmarkDefense.Parse("fire-paper@10").FireOptions(3);
        Assert.Equal([Fire.Guard.RepairMode.Translate], paper.Modes);
        Assert.Equal([Fire.Guard.DirectionDensity.Dense], paper.Densities);
        Assert.Equal((1, 3, 0.0), (paper.MaxRepairLayers, paper.Seed, paper.TargetLikenessLevel));
        Assert.Equal(Fire.Guard.ImageAugmentation.Standard, paper.Augmentation);
        Assert.Equal(Fire.Guard.ImageAugmentation.None, BenchmarkDefense.Parse("fire-paper-noaug").FireOptions(0).Augmentation);
        var augmented = BenchmarkDefense.Parse("fire-aug").FireOptions(2);
        Assert.Equal((Fire.Guard.ImageAugmentation.Standard, 2, 4), (augmented.Augmentation, augmented.Seed, augmented.Modes.Count));
        var fire = BenchmarkDefense.Parse("fire").FireOptions(2);
        Assert.Equal((Fire.Guard.ImageAugmentation.None, 2, 4, 2), (fire.Augmentation, fire.Seed, fire.Modes.Count, fire.Densities.Count));
        Assert.Throws<InvalidOperationException>(() => BenchmarkDefense.Parse("strip").FireOptions(0));
    }

    [Theory]
    [InlineData("sentinet", "Unknown defense 'sentinet'")]
    [InlineData("strip@10", "only FIRE variants take '@k'")]
    [InlineData("fire@0", "must be a number of observed samples")]
    [InlineData("fire@x", "must be a number of observed samples")]
    public void Bad_names_are_errors_that_say_what_is_wrong(string name, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => BenchmarkDefense.Parse(name));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_matrix_rejects_a_defense_named_twice_under_two_spellings()
    {
        var matrix = new BenchmarkMatrix(["mnist"], ["small-cnn"], ["badnets"], ["fire", "fire-unpaired"], [0], new BenchmarkRecipe());
        var error = Assert.Throws<ArgumentException>(matrix.Validate);
        Assert.Contains("--defenses names defense 'fire-unpaired' twice", error.Message);
    }
}
