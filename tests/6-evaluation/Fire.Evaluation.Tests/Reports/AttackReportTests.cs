using System.Text.Json.Nodes;
using Fire.Attacks;
using Fire.Attacks.Specs;
using Fire.Evaluation.Reports;
using Fire.Training;

namespace Fire.Evaluation.Tests.Reports;

public class AttackReportTests
{
    private static AttackSpec Spec(string attack, JsonObject parameters) => new()
    {
        Attack = attack, Target = 0, Rate = 0.1, Seed = 0, ImageShape = [3, 32, 32], Parameters = parameters,
        Poisoning = new PoisoningSummary(TrainingImages: 1000, Requested: 100, Poisoned: 100),
    };

    [Fact]
    public void A_row_holds_the_figures_the_target_verdict_and_BackdoorBench_reference()
    {
        var recipe = new TrainRecipe(6, Seed: 0);
        var rows = new[]
        {
            new AttackReport.Row(Spec("blended", new JsonObject { ["alpha"] = 0.2 }), new AttackMetrics(0.95, 0.99, 0.01, 0.002),
                new AttackMetrics(0.96, 0.05, 0.80, 0.001), 75),
            new AttackReport.Row(Spec("badnets", new JsonObject { ["patch"] = 3 }), new AttackMetrics(0.90, 0.85, 0.10), new AttackMetrics(0.96, 0.02, 0.9), 0),
        };
        var section = new AttackReport.Section("cifar10", "small-cnn", recipe, 1000, 0.96, 3600, rows);
        string md = AttackReport.Markdown("fire attack report --epochs 6", "runs/models", [section]);

        Assert.Contains("| clean | 96.00% | | | | | | none | 1:00:00 | | |", md);
        Assert.Contains("| blended | 95.00% | -1.00 | 0.20% / 0.10% | 99.00% | 1.00% | 5.00% / 80.00% | 100 (10.00%) | 0:01:15 | met | 93.47 / 99.92 / 0.08 |", md);
        Assert.Contains("| badnets | 90.00% | -6.00 | – / – | 85.00% | 10.00% | 2.00% / 90.00% | 100 (10.00%) |  | missed | 91.32 / 95.03 / 4.67 |", md);
        Assert.Contains("- cifar10 / small-cnn / badnets: ASR 85.00% is below 90.00%; CA is 6.00 points below the clean model (limit 2)", md);
        Assert.Contains($"Recipe, the same for the clean model and every attack: {recipe.Describe(1000)}.", md);
        Assert.Contains("| blended | ", md[md.IndexOf("## Attack settings", StringComparison.Ordinal)..]);
    }

    [Fact]
    public void Parameter_summaries_keep_given_values_and_leave_long_ones_out()
    {
        var spec = Spec("blended", new JsonObject { ["alpha"] = 0.2, ["pattern"] = new string('A', 41), ["name"] = "hello-kitty" });
        Assert.Equal("alpha 0.2, name hello-kitty", spec.ParameterSummary());
    }
}
