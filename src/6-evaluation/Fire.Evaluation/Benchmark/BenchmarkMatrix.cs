namespace Fire.Evaluation.Benchmark;

/// <summary>One backdoored model: a data set, an architecture, an attack and a seed. Its cells share the model and data.</summary>
public sealed record BenchmarkGroup(string Dataset, string Architecture, string Attack, int Seed)
{
    public override string ToString() => $"{Dataset}/{Architecture}/{Attack}/seed {Seed}";
}

/// <summary>One cell of the matrix: a defense on one backdoored model.</summary>
public sealed record BenchmarkCell(string Dataset, string Architecture, string Attack, string Defense, int Seed)
{
    public BenchmarkGroup Group => new(Dataset, Architecture, Attack, Seed);
    /// <summary>The cell's identity in the results file.</summary>
    public string Id => $"{Dataset}/{Architecture}/{Attack}/{Defense}/seed{Seed}";
    public override string ToString() => $"{Dataset}/{Architecture}/{Attack}: {Defense}{(Seed == 0 ? "" : $" (seed {Seed})")}";
}

/// <summary>
/// The benchmark: data sets x architectures x attacks x defenses (x seeds), all produced by one recipe. Defense names
/// are canonicalised (<see cref="BenchmarkDefense.Parse"/>); the other names are taken as given: callers canonicalise
/// them (the command line does) so that a cell keeps its identity between runs.
/// </summary>
public sealed record BenchmarkMatrix(
    IReadOnlyList<string> Datasets,
    IReadOnlyList<string> Architectures,
    IReadOnlyList<string> Attacks,
    IReadOnlyList<string> Defenses,
    IReadOnlyList<int> Seeds,
    BenchmarkRecipe Recipe)
{
    /// <summary>Every cell, model by model (data set, architecture, attack, seed), defenses in the order given.</summary>
    public IReadOnlyList<BenchmarkCell> Cells() =>
        (from dataset in Datasets
         from architecture in Architectures
         from attack in Attacks
         from seed in Seeds
         from defense in Defenses.Select(d => BenchmarkDefense.Parse(d).Name)
         select new BenchmarkCell(dataset, architecture, attack, defense, seed)).ToList();

    public void Validate()
    {
        Check(Datasets, "--datasets", "data set");
        Check(Architectures, "--models", "architecture");
        Check(Attacks, "--attacks", "attack");
        Check(Defenses.Select(d => BenchmarkDefense.Parse(d).Name).ToList(), "--defenses", "defense");
        Check(Seeds.Select(s => s.ToString()).ToList(), "--seeds", "seed");
        Recipe.Validate();
    }

    private static void Check(IReadOnlyList<string> names, string option, string what)
    {
        if (names.Count == 0) throw new ArgumentException($"{option} names no {what}.");
        var duplicate = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"{option} names {what} '{duplicate.Key}' twice.");
    }
}
