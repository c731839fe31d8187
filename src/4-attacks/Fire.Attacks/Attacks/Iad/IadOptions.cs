namespace Fire.Attacks;

/// <summary>IAD's own options, at BackdoorBench's defaults.</summary>
public sealed record IadOptions : IAttackOptions
{
    [AttackFlag("--lambda-div", "L", "Weight of the diversity loss.")]
    public double LambdaDiv { get; init; } = 1;

    [AttackFlag("--lambda-norm", "L", "Weight of the mask-size loss.")]
    public double LambdaNorm { get; init; } = 100;

    [AttackFlag("--mask-density", "D", "Mask density the size loss allows.")]
    public double MaskDensity { get; init; } = 0.032;

    [AttackFlag("--mask-epochs", "N", "Epochs pre-training the mask network.")]
    public int MaskEpochs { get; init; } = 25;

    [AttackFlag("--cross-ratio", "R", "Cross samples (another image's trigger, label kept) per poisoned sample.")]
    public double CrossRatio { get; init; } = 1;

    [AttackFlag("--generator-lr", "RATE", "Adam learning rate of the generator.")]
    public double GeneratorLearningRate { get; init; } = 0.01;

    [AttackFlag("--generator-channels", "N", "Base channels of generator and mask network (default: 32 for 32x32 images, 16 for 28x28).")]
    public int? GeneratorChannels { get; init; }

    [AttackFlag("--redraw-each-epoch", "BOOL", "true draws the poisoned and cross samples afresh every epoch, as BackdoorBench's per-batch poisoning; false keeps one fixed seeded set (the option alone means true).")]
    public bool RedrawEachEpoch { get; init; }
}
