using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Training;
using static TorchSharp.torch;

namespace Fire.Attacks;

/// <summary>
/// An attack that poisons the training set once, before training, as BackdoorBench pre-generates its poisoned
/// images: the selected images get the training trigger (stored as bytes), their labels become the target (or stay,
/// clean-label), and the model trains on that set with the usual augmentation.
/// </summary>
public abstract class DataPoisoningAttack(AttackSpec spec) : BackdoorAttack(spec)
{
    /// <summary>The poisoned training images; by default the test-time trigger. <paramref name="positions"/> are their places in the training set.</summary>
    protected virtual Tensor PoisonTrainingImages(Tensor images, int[] positions) => Trigger.Apply(images);

    /// <summary>Extra label-keeping samples (Adaptive-Blend's cover samples): their positions and how they are changed.</summary>
    protected virtual (int[] Positions, Func<Tensor, int[], Tensor>? Change) Auxiliary(int[] positions, int[] poisoned) => ([], null);

    /// <summary>The training set as the model will see it: the poisoned copy (and what poisoning did).</summary>
    public (ImageDataset Data, PoisoningSummary Summary) PoisonTrainingSet(ImageDataset train, TrainRecipe recipe)
    {
        var (positions, poisoned, summary) = SelectForTraining(train, recipe);
        var data = PoisonedSets.ApplyToImages(train, poisoned, PoisonTrainingImages, Spec.CleanLabel ? null : Target);
        var (auxiliary, change) = Auxiliary(positions, poisoned);
        if (change is not null && auxiliary.Length > 0) data = PoisonedSets.ApplyToImages(data, auxiliary, change, newLabel: null);
        return (data, summary with { Auxiliary = auxiliary.Length });
    }

    public override TrainResult Train(LayeredNet net, ImageDataset train, TrainRecipe recipe, AttackTrainingHooks? hooks = null)
    {
        var (data, summary) = PoisonTrainingSet(train, recipe);
        Spec = Spec with { Poisoning = summary };
        using var trainer = new Trainer(net, recipe) { Validation = hooks?.Validation, State = hooks?.State };
        return trainer.Fit(data, hooks?.Progress, hooks?.Cancellation ?? default);
    }
}
