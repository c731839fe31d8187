namespace Fire.Guard;

/// <summary>
/// The observed samples as the automatic choice reads them, fixed before any candidate is scored: the estimated target t
/// (the undefended model's majority prediction on them), the captured ones (those it predicts as t), the undefended
/// predictions and the cross-validation folds.
/// Unpaired, the directions and the score see only the captured samples: the others have nothing to repair, and clean images
/// among the flags (a detector's false positives) shortened the direction and scored every repair on how little it disturbed
/// them (measured in docs/fire-false-flags.md, mixed flags).
/// </summary>
internal sealed class SelectionSamples
{
    public SelectionSamples(ILayeredModel model, PoisonObservations observed, FireOptions options)
    {
        Observed = observed;
        Target = observed.EstimatedTarget();
        Paired = observed.Source == DirectionSource.Paired;
        Captured = observed.CapturedRows().ToHashSet();
        Images = BatchOps.Stack(observed.Poisoned, observed.SampleShape);
        Unrepaired = ModelRunner.Predict(model, Images, options.BatchSize);
        Folds = CrossValidationFolds.Assign(observed.Count, options);
    }

    public PoisonObservations Observed { get; }
    public int Count => Observed.Count;
    /// <summary>The estimated target t.</summary>
    public int Target { get; }
    /// <summary>Pairs (x, T(x)): a sample counts as repaired when it returns to the prediction on its clean original.</summary>
    public bool Paired { get; }
    /// <summary>The samples the undefended model predicts as t.</summary>
    public IReadOnlySet<int> Captured { get; }
    /// <summary>Every observed poisoned image, in observation order.</summary>
    public FloatBatch Images { get; }
    /// <summary>The undefended model's predictions on <see cref="Images"/>.</summary>
    public Outputs Unrepaired { get; }
    public CrossValidationFolds Folds { get; }

    /// <summary>How many samples a score averages over: every pair, or unpaired only the captured samples.</summary>
    public int ScoredCount => Paired ? Count : Captured.Count;

    /// <summary>Whether <paramref name="sample"/> enters the score (unpaired, clean flags among the others would score every
    /// repair on how little it disturbs them, which the clean guards already bound).</summary>
    public bool Scored(int sample) => Paired || Captured.Contains(sample);

    /// <summary>Whether <paramref name="prediction"/> repairs <paramref name="sample"/>: no longer t (unpaired) or the model's prediction on its clean original (paired).</summary>
    public bool Repaired(int sample, int prediction) => Paired ? prediction == Observed.OriginalPredictions[sample] : prediction != Target;

    /// <summary>The rows a direction fitted on <paramref name="fitRows"/> averages: unpaired only the captured ones (as the
    /// deployed means do); a fold with none among its fit rows uses them all.</summary>
    public IEnumerable<int> DirectionRows(int[] fitRows) => Paired || !fitRows.Any(Captured.Contains) ? fitRows : fitRows.Where(Captured.Contains);

    /// <summary>The captured samples' images in row order.</summary>
    public FloatBatch CapturedImages() => BatchOps.Rows(Images, [.. Captured.Order()]);
}
