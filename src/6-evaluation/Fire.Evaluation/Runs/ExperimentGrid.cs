using Fire.Data;
using Fire.Evaluation.Benchmark;
using Fire.Training;

namespace Fire.Evaluation.Runs;

/// <summary>One (data set, architecture) section of a report: the data, the recipe every model in it shares, and its models.</summary>
public sealed record GridSection(string Dataset, string Architecture, DataSplit Split, TrainRecipe Recipe, ModelRuns Models);

/// <summary>
/// The data sets x architectures a report covers, with one recipe (the data set's default augmentation, the given epochs,
/// seed and subset) for the clean model and every attack, and every model taken from or trained into one <see cref="ModelCache"/>.
/// Shared by <c>fire attack report</c> and <c>fire defend-report</c>, so both read the same models.
/// </summary>
public sealed record ExperimentGrid(IReadOnlyList<string> Datasets, IReadOnlyList<string> Architectures, int Epochs, int Seed, int? Subset,
    string CacheFolder, string? DataRoot = null)
{
    /// <param name="loadData">Loads a data set by name or path (the front end shows its progress).</param>
    public IEnumerable<GridSection> Sections(Func<string, DataSplit> loadData, IRunObserver observer, CancellationToken cancellation = default)
    {
        var cache = new ModelCache(CacheFolder);
        foreach (string argument in Datasets)
        {
            string dataset = Data.Datasets.Locate(argument, DataRoot).Name;
            var split = loadData(argument);
            var recipe = new TrainRecipe(Epochs, Seed: Seed, Augmentation: Data.Datasets.DefaultAugmentation(dataset), MaxTrainSamples: Subset);
            recipe.Validate();
            foreach (string architecture in Architectures)
            {
                cancellation.ThrowIfCancellationRequested();
                var models = new ModelRuns(cache, Data.Datasets.Reference(argument, DataRoot), architecture, split, recipe, observer, cancellation);
                yield return new GridSection(dataset, architecture, split, recipe, models);
            }
        }
    }
}
