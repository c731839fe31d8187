using Fire.Attacks;
using Fire.Attacks.Specs;
using Fire.Evaluation.Benchmark;

namespace Fire.Evaluation.Tests.Benchmark;

public class ModelCacheKeyTests
{
    private static readonly ImageShape Mnist = new(1, 28, 28);

    private static AttackSpec Spec(string attack = "badnets", int seed = 0) =>
        AttackCatalog.Create(attack, new AttackOptions { Shape = Mnist, Seed = seed }).Spec;

    private static string Key(BenchmarkRecipe recipe, string attack = "badnets", int seed = 0, string dataset = "mnist", string architecture = "small-cnn") =>
        ModelCache.Key(dataset, architecture, Spec(attack, seed), recipe.TrainRecipe(dataset, seed));

    private static readonly BenchmarkRecipe Recipe = new() { Epochs = 3, TrainSubset = 4000 };

    [Fact]
    public void The_key_is_stable_for_the_same_model_and_readable()
    {
        string key = Key(Recipe);
        Assert.Equal(key, Key(Recipe with { }));
        Assert.Matches("^mnist-small-cnn-badnets-[0-9a-f]{16}$", key);
        // What does not shape the model leaves the key alone.
        Assert.Equal(key, Key(Recipe with { TestSubset = 100, Observed = 10, CleanReference = 50, StreamingPoints = [1], LatencyTimedRuns = 3 }));
    }

    [Fact]
    public void The_key_changes_with_the_recipe_the_attack_the_seed_and_the_model()
    {
        string key = Key(Recipe);
        Assert.NotEqual(key, Key(Recipe with { Epochs = 4 }));
        Assert.NotEqual(key, Key(Recipe with { TrainSubset = 4001 }));
        Assert.NotEqual(key, Key(Recipe with { TrainSubset = null }));
        Assert.NotEqual(key, Key(Recipe with { LearningRate = 0.05 }));
        Assert.NotEqual(key, Key(Recipe with { BatchSize = 64 }));
        Assert.NotEqual(key, Key(Recipe with { Augment = false }));
        Assert.NotEqual(key, Key(Recipe, seed: 1));
        Assert.NotEqual(key, Key(Recipe, attack: "blended"));
        Assert.NotEqual(key, Key(Recipe, architecture: "resnet20"));
        Assert.NotEqual(key, Key(Recipe, dataset: "fashion-mnist"));
    }

    [Fact]
    public void The_reports_and_the_benchmark_name_the_same_model_alike()
    {
        // `fire attack report` trains with TrainRecipe's defaults and CreateForRun; `fire bench` with its recipe: one cache entry.
        var bench = Recipe with { TrainSubset = null };
        var reportRecipe = new Training.TrainRecipe(bench.Epochs, Seed: 0, Augmentation: Data.Datasets.DefaultAugmentation("mnist"));
        var reportAttack = AttackCatalog.CreateForRun("badnets", Mnist, 0, "mnist", bench.Epochs).Spec;
        Assert.Equal(ModelCache.Key("mnist", "small-cnn", reportAttack, reportRecipe), Key(bench));
    }

    [Fact]
    public void Clean_keys_are_content_addressed_and_apart_from_attacks()
    {
        var recipe = Recipe.TrainRecipe("mnist", 0);
        string key = ModelCache.CleanKey("mnist", "small-cnn", recipe);
        Assert.Matches("^mnist-small-cnn-clean-[0-9a-f]{16}$", key);
        Assert.NotEqual(key, ModelCache.CleanKey("mnist", "small-cnn", recipe with { Epochs = 4 }));
    }

    [Fact]
    public void A_folder_data_set_shows_its_name_and_hashes_its_whole_path()
    {
        string key = Key(Recipe, dataset: "/data/a/pets");
        Assert.Matches("^pets-small-cnn-badnets-[0-9a-f]{16}$", key);
        Assert.Matches("^pets-small-cnn-clean-[0-9a-f]{16}$", ModelCache.CleanKey("/data/a/pets/", "small-cnn", Recipe.TrainRecipe("pets", 0)));
        Assert.NotEqual(key, Key(Recipe, dataset: "/data/b/pets")); // another folder of the same name is another model
    }

    [Fact]
    public void The_cell_fingerprint_follows_the_whole_recipe()
    {
        var cell = new BenchmarkCell("mnist", "small-cnn", "badnets", "strip", 0);
        string fingerprint = BenchmarkRunner.Fingerprint(cell, Recipe);
        Assert.Equal(fingerprint, BenchmarkRunner.Fingerprint(cell with { }, Recipe with { }));
        Assert.NotEqual(fingerprint, BenchmarkRunner.Fingerprint(cell, Recipe with { Observed = 10 }));
        Assert.NotEqual(fingerprint, BenchmarkRunner.Fingerprint(cell with { Defense = "jpeg" }, Recipe));
    }
}
