namespace Fire.Guard;

/// <summary>
/// The K folds over the observed samples that give every candidate a held-out score: K = min(Folds, k), seeded and balanced;
/// at k = 1 the one sample is both fit and scored, the only case without a held-out score.
/// </summary>
internal sealed class CrossValidationFolds
{
    private readonly int _sampleCount;

    private CrossValidationFolds(int sampleCount, int[][] tests, int[][] fits) => (_sampleCount, Tests, Fits) = (sampleCount, tests, fits);

    public int Count => Tests.Length;
    /// <summary>Per fold, the samples it scores (ascending).</summary>
    public int[][] Tests { get; }
    /// <summary>Per fold, the samples its direction is fitted on: all but its test samples (ascending).</summary>
    public int[][] Fits { get; }

    /// <summary>Seeded, balanced fold numbers for <paramref name="sampleCount"/> samples; a single fold (fit = score) only when there is one sample.</summary>
    public static CrossValidationFolds Assign(int sampleCount, FireOptions options)
    {
        int folds = Math.Min(options.Folds, sampleCount);
        var order = Enumerable.Range(0, sampleCount).ToArray();
        new Random(Seeds.For(options.Seed, Seeds.Folds, sampleCount)).Shuffle(order);
        var fold = new int[sampleCount];
        for (int position = 0; position < sampleCount; position++) fold[order[position]] = position % Math.Max(folds, 1);
        int count = Math.Max(folds, 1);
        var tests = Enumerable.Range(0, count).Select(f => Enumerable.Range(0, sampleCount).Where(i => count == 1 || fold[i] == f).ToArray()).ToArray();
        var fits = Enumerable.Range(0, count).Select(f => Enumerable.Range(0, sampleCount).Where(i => count == 1 || fold[i] != f).ToArray()).ToArray();
        return new CrossValidationFolds(sampleCount, tests, fits);
    }

    /// <summary>
    /// Whether every fold fits its direction on at least 2 samples, as a sparse direction needs (with fewer it equals the
    /// dense one): more than one fold, and the largest test fold leaves at least 2.
    /// </summary>
    public bool SparseFits => Count > 1 && _sampleCount - (_sampleCount + Count - 1) / Count >= 2;
}
