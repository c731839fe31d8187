namespace Fire.Attacks;

/// <summary>
/// Which training samples an attack that poisons batches on the fly (WaNet, IAD) changes in each epoch:
/// <see cref="PoisonCount"/> samples drawn from the eligible ones (relabelled to the target, or kept when clean-label),
/// then <see cref="AuxiliaryCount"/> label-keeping samples (noise or cross samples) from the rest.
/// By default one fixed seeded set serves every epoch, as data poisoning has. With <c>redraw</c> every epoch draws its
/// own, seeded by (seed, epoch) so that a run repeats exactly: BackdoorBench poisons the leading samples of each
/// shuffled batch, so which images carry the trigger changes from epoch to epoch and every image is also seen clean.
/// </summary>
public sealed class EpochSelection
{
    private readonly int[] _eligible;
    private readonly int _seed;
    private readonly bool _redraw;
    private (int Draw, HashSet<int> Poisoned, HashSet<int> Auxiliary)? _last;

    /// <param name="positions">Every training position.</param>
    /// <param name="eligible">The positions that may be poisoned, a subset of <paramref name="positions"/>.</param>
    public EpochSelection(int[] positions, int[] eligible, int poisonCount, int auxiliaryCount, int seed, bool redraw)
    {
        if (poisonCount < 0 || auxiliaryCount < 0) throw new ArgumentOutOfRangeException(nameof(poisonCount), "Sample counts cannot be negative.");
        Positions = positions;
        _eligible = eligible;
        _seed = seed;
        _redraw = redraw;
        PoisonCount = Math.Min(poisonCount, eligible.Length);
        AuxiliaryCount = Math.Min(auxiliaryCount, positions.Length - PoisonCount);
    }

    /// <summary>Every training position (the recipe's subset of the training set).</summary>
    public int[] Positions { get; }
    public int PoisonCount { get; }
    public int AuxiliaryCount { get; }

    /// <summary>The positions poisoned and the label-keeping positions in <paramref name="epoch"/>.</summary>
    public (IReadOnlySet<int> Poisoned, IReadOnlySet<int> Auxiliary) For(int epoch)
    {
        int draw = _redraw ? epoch : -1;
        if (_last is not { } last || last.Draw != draw)
        {
            var poisoned = PoisonedSets.Draw(_eligible, PoisonCount, Seed(Seeds.Selection, draw)).ToHashSet();
            var rest = Positions.Where(p => !poisoned.Contains(p)).ToArray();
            var auxiliary = PoisonedSets.Draw(rest, AuxiliaryCount, Seed(Seeds.Auxiliary, draw)).ToHashSet();
            _last = last = (draw, poisoned, auxiliary);
        }
        return (last.Poisoned, last.Auxiliary);
    }

    // The fixed set keeps the seeds of data poisoning's selection (Seeds.For(seed, purpose)).
    private int Seed(int purpose, int draw) => draw < 0 ? Seeds.For(_seed, purpose) : Seeds.For(_seed, purpose, draw);
}
