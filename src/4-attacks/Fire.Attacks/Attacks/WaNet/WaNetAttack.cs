using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Training;

namespace Fire.Attacks;

/// <summary>
/// WaNet (Nguyen and Tran 2021). BackdoorBench's default: k 4, s 0.5, grid_rescale 1, noise mode with cross
/// ratio 2 (twice as many noise samples as poisoned ones), 10% poisoned. The warp is applied to each batch after
/// augmentation, then a quarter of the batch is rotated by up to 10 degrees, bilinearly, as in the original release
/// (BackdoorBench warps after its dataset transforms, then applies random crops and nearest-neighbour rotations);
/// see <see cref="WaNetPoisoning"/>. The poisoned and noise samples are drawn afresh every epoch unless the options ask
/// for one fixed set: BackdoorBench poisons the leading samples of every shuffled batch, so each image is also seen as it
/// is. The noise field is seeded and stored in the specification as raw floats.
/// </summary>
public sealed class WaNetAttack : BackdoorAttack
{
    public const string Kind = "wanet";

    private readonly WaNetTrigger _trigger;

    private WaNetAttack(AttackSpec spec, WaNetTrigger trigger) : base(spec) => _trigger = trigger;

    public override ITrigger Trigger => _trigger;
    public override string AuxiliarySamples => "noise-mode";
    public WaNetTrigger Warp => _trigger;

    /// <param name="PostRotation">Largest angle (degrees) of the rotation a quarter of the training images get after the
    /// warp (<see cref="RandomRotation"/>); 0 = none, as in specifications written before it existed.</param>
    public sealed record Parameters(int K, double S, double GridRescale, double CrossRatio, double PostRotation, float[] Noise);

    public static WaNetAttack Create(AttackOptions options, WaNetOptions own)
    {
        int k = own.K;
        double crossRatio = own.CrossRatio;
        if (!(crossRatio >= 0) || double.IsInfinity(crossRatio)) throw new ArgumentException($"--cross-ratio must be 0 or more, got {crossRatio}.");
        var rotation = new RandomRotation(own.PostRotation);
        var parameters = new Parameters(k, own.S, own.GridRescale, crossRatio, rotation.MaxDegrees,
            WaNetTrigger.SeededNoise(k, Seeds.For(options.Seed, Seeds.Noise)));
        var trigger = new WaNetTrigger(options.Shape, parameters.K, parameters.S, parameters.GridRescale, parameters.Noise);
        return new WaNetAttack(NewSpec(Kind, options, parameters, redrawEachEpoch: own.RedrawEachEpoch), trigger);
    }

    public static WaNetAttack Restore(AttackSpec spec)
    {
        var p = spec.Read<Parameters>();
        return new WaNetAttack(spec, new WaNetTrigger(spec.Shape, p.K, p.S, p.GridRescale, p.Noise));
    }

    /// <summary>The batch transform that poisons training batches, and what it will do.</summary>
    public (WaNetPoisoning Transform, PoisoningSummary Summary) Poisoning(ImageDataset train, TrainRecipe recipe)
    {
        var parameters = Spec.Read<Parameters>();
        var (selection, summary) = SelectPerEpoch(train, recipe, parameters.CrossRatio);
        var rotation = parameters.PostRotation > 0 ? new RandomRotation(parameters.PostRotation) : null;
        return (new WaNetPoisoning(_trigger, selection, Spec.CleanLabel ? null : Target, Seeds.For(Spec.Seed, Seeds.Noise), rotation), summary);
    }

    public override TrainResult Train(LayeredNet net, ImageDataset train, TrainRecipe recipe, AttackTrainingHooks? hooks = null)
    {
        var (transform, summary) = Poisoning(train, recipe);
        Spec = Spec with { Poisoning = summary };
        using var trainer = new Trainer(net, recipe) { BatchTransform = transform, Validation = hooks?.Validation, State = hooks?.State };
        return trainer.Fit(train, hooks?.Progress, hooks?.Cancellation ?? default);
    }
}
