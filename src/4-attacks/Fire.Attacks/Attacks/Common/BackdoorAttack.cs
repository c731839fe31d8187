using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Training;

namespace Fire.Attacks;

/// <summary>
/// One configured backdoor attack: its full specification, its test-time trigger, and how it trains a model
/// to learn the backdoor. Built by <see cref="AttackCatalog.Create"/> from options or rebuilt from a saved specification.
/// </summary>
public abstract class BackdoorAttack
{
    protected BackdoorAttack(AttackSpec spec) => Spec = spec;

    /// <summary>The specification; training adds what poisoning did, saving adds attached files.</summary>
    public AttackSpec Spec { get; protected set; }
    public string Name => Spec.Attack;
    public int Target => Spec.Target;
    public ImageShape Shape => Spec.Shape;

    /// <summary>The trigger applied at test time (for attacks with a learned trigger: once trained or loaded).</summary>
    public abstract ITrigger Trigger { get; }

    /// <summary>What reports call the label-keeping samples the attack adds (<see cref="PoisoningSummary.Auxiliary"/>).</summary>
    public virtual string AuxiliarySamples => "cross";

    /// <summary>
    /// Trains <paramref name="net"/> on <paramref name="train"/> by <paramref name="recipe"/> (on its training subset
    /// when the recipe names one), poisoning as the attack does, so that it learns the backdoor.
    /// </summary>
    public abstract TrainResult Train(LayeredNet net, ImageDataset train, TrainRecipe recipe, AttackTrainingHooks? hooks = null);

    /// <summary>Writes the files the trigger needs beside <paramref name="checkpointPath"/> and records them in <see cref="Spec"/>.</summary>
    public virtual void SaveFiles(string checkpointPath) { }

    /// <summary>The specification of a new attack from <paramref name="options"/> and its typed parameters.</summary>
    /// <param name="redrawEachEpoch">For attacks that poison batches on the fly: <see cref="AttackSpec.RedrawEachEpoch"/>, from their own options.</param>
    protected static AttackSpec NewSpec<T>(string attack, AttackOptions options, T parameters, double defaultRate = 0.1, bool defaultCleanLabel = false,
        bool redrawEachEpoch = false)
    {
        if (options.Target < 0) throw new ArgumentException($"--target must be a class index (0 or more), got {options.Target}.");
        double rate = options.Rate ?? defaultRate;
        PoisonedSets.CheckRate(rate, "--rate");
        return new AttackSpec
        {
            Attack = attack,
            Target = options.Target,
            Rate = rate,
            CleanLabel = options.CleanLabel ?? defaultCleanLabel,
            Seed = options.Seed,
            RedrawEachEpoch = redrawEachEpoch,
            ImageShape = options.Shape.ToArray(),
            Parameters = AttackSpec.ToParameters(parameters),
        };
    }

    /// <summary>The positions the recipe trains on and the selection of those to poison, as positions in <paramref name="train"/>.</summary>
    protected (int[] Positions, int[] Poisoned, PoisoningSummary Summary) SelectForTraining(ImageDataset train, TrainRecipe recipe)
    {
        int[] positions = TrainingPositions(train, recipe);
        var labels = positions.Select(p => train.Labels[p]).ToArray();
        var local = PoisonedSets.SelectPoisoned(labels, Spec.Rate, Target, Spec.CleanLabel, Seeds.For(Spec.Seed, Seeds.Selection));
        var summary = new PoisoningSummary(positions.Length, PoisonedSets.PoisonCount(positions.Length, Spec.Rate), local.Length);
        return (positions, local.Select(i => positions[i]).ToArray(), summary);
    }

    /// <summary>
    /// The selection of an attack that poisons batches on the fly (<see cref="EpochSelection"/>, redrawn each epoch
    /// when the specification says so), with round(<paramref name="auxiliaryRatio"/> x poisoned) label-keeping
    /// samples, and what it does in each epoch.
    /// </summary>
    protected (EpochSelection Selection, PoisoningSummary Summary) SelectPerEpoch(ImageDataset train, TrainRecipe recipe, double auxiliaryRatio)
    {
        int[] positions = TrainingPositions(train, recipe);
        var (eligible, requested) = PoisonedSets.Eligible(positions.Select(p => train.Labels[p]).ToArray(), Spec.Rate, Target, Spec.CleanLabel);
        int poisoned = Math.Min(requested, eligible.Length);
        var selection = new EpochSelection(positions, eligible.Select(i => positions[i]).ToArray(), poisoned,
            PoisonedSets.RoundedShare(auxiliaryRatio, poisoned), Spec.Seed, Spec.RedrawEachEpoch);
        return (selection, new PoisoningSummary(positions.Length, requested, selection.PoisonCount, selection.AuxiliaryCount));
    }

    private int[] TrainingPositions(ImageDataset train, TrainRecipe recipe)
    {
        PoisonedSets.CheckTarget(train, Target);
        if (ImageShape.Of(train) != Shape)
            throw new ArgumentException($"The {Name} attack is built for {Shape} images; '{train.Name}' has {ImageShape.Of(train)}.");
        return recipe.TrainingIndices(train);
    }

    /// <summary>
    /// A seeded draw of <paramref name="count"/> further training positions that are not poisoned, from any class
    /// (all there are, if fewer): the samples some attacks modify while keeping their labels.
    /// </summary>
    protected int[] SelectAuxiliary(int[] positions, int[] poisoned, int count)
    {
        var taken = poisoned.ToHashSet();
        var pool = positions.Where(p => !taken.Contains(p)).ToArray();
        return PoisonedSets.Draw(pool, Math.Min(count, pool.Length), Seeds.For(Spec.Seed, Seeds.Auxiliary));
    }
}

/// <summary>
/// What a caller can watch while an attack trains (batch progress, phase messages, a clean validation set) and where
/// the training saves itself after every epoch and continues from (<see cref="State"/>).
/// </summary>
public sealed record AttackTrainingHooks(
    IProgress<TrainProgress>? Progress = null,
    Action<string>? Status = null,
    ImageDataset? Validation = null,
    CancellationToken Cancellation = default,
    TrainingState? State = null);
