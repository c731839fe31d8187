using System.ComponentModel;
using Fire.Attacks;
using Fire.Attacks.Specs;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.AttackCommands;

/// <summary>The options that configure an attack's trigger and poisoning; unset ones take the attack's defaults (BackdoorBench's).</summary>
public class AttackParameterSettings : ComputeSettings
{
    [CommandOption("--target <CLASS>")]
    [Description("Target class of the all-to-one backdoor (default: 0).")]
    public int? Target { get; set; }

    [CommandOption("--rate <SHARE>")]
    [Description("Poisoned share of ALL training images, BackdoorBench's pratio (default: 0.1; adaptive-blend 0.003).")]
    public double? Rate { get; set; }

    [CommandOption("--clean-label")]
    [Description("Poison only target-class images and keep their labels (SIG always does).")]
    public bool CleanLabel { get; set; }

    [CommandOption("--seed <N>")]
    [Description("Seed of the poisoned selection, trigger patterns and training (default: 0).")]
    public int? Seed { get; set; }

    [CommandOption("--patch-size <PIXELS>")]
    [Description("BadNets: side of the square patch (default: 3; with --patch-image, the image's own size).")]
    public int? PatchSize { get; set; }

    [CommandOption("--patch-position <WHERE>")]
    [Description("BadNets: bottom-right (default), bottom-left, top-right, top-left, center, or \"row,col\" of the patch's top-left pixel.")]
    public string? PatchPosition { get; set; }

    [CommandOption("--patch-pattern <NAME>")]
    [Description("BadNets: white (default), black, checkerboard or random (seeded).")]
    public string? PatchPattern { get; set; }

    [CommandOption("--patch-image <FILE>")]
    [Description("BadNets: any image file as the patch (resized to --patch-size when given).")]
    public string? PatchImage { get; set; }

    [CommandOption("--patch-mask <FILE>")]
    [Description("BadNets: grey image of the patch's size; white = patch, black = image, grey mixes (default: all patch).")]
    public string? PatchMask { get; set; }

    [CommandOption("--blend-image <FILE>")]
    [Description("Blended, adaptive-blend: any image file as the pattern, resized to the images (default: seeded noise).")]
    public string? BlendImage { get; set; }

    [CommandOption("--alpha <A>")]
    [Description("Blended: the pattern's share of each pixel, in [[0, 1]] (default: 0.2); adaptive-blend: for training images (default: 0.15).")]
    public double? Alpha { get; set; }

    [CommandOption("-k|--warp-k <N>")]
    [Description("WaNet: resolution of the warping field (default: 4).")]
    public int? K { get; set; }

    [CommandOption("-s|--warp-s <S>")]
    [Description("WaNet: warping strength (default: 0.5).")]
    public double? S { get; set; }

    [CommandOption("--grid-rescale <R>")]
    [Description("WaNet: grid rescale factor (default: 1).")]
    public double? GridRescale { get; set; }

    [CommandOption("--cross-ratio <R>")]
    [Description("WaNet: noise-mode samples per poisoned sample (default: 2); IAD: cross samples per poisoned sample (default: 1).")]
    public double? CrossRatio { get; set; }

    [CommandOption("--post-rotation <DEGREES>")]
    [Description("WaNet: after warping, rotate a quarter of all training images by up to this angle, bilinearly, as the original release (default: 10; 0: none).")]
    public double? PostRotation { get; set; }

    [CommandOption("--redraw-each-epoch [BOOL]")]
    [Description("WaNet, IAD: true draws the poisoned and label-keeping samples afresh every epoch, as BackdoorBench's per-batch poisoning; false keeps one fixed seeded set (default: true for WaNet, false for IAD; the option alone means true).")]
    public FlagValue<bool?> RedrawEachEpoch { get; set; } = new();

    [CommandOption("--delta <LEVELS>")]
    [Description("SIG: amplitude of the sinusoid in pixel levels of 255 (default: 40).")]
    public double? Delta { get; set; }

    [CommandOption("--frequency <F>")]
    [Description("SIG: periods across the image width (default: 6).")]
    public double? Frequency { get; set; }

    [CommandOption("--lambda-div <L>")]
    [Description("IAD: weight of the diversity loss (default: 1).")]
    public double? LambdaDiv { get; set; }

    [CommandOption("--lambda-norm <L>")]
    [Description("IAD: weight of the mask-size loss (default: 100).")]
    public double? LambdaNorm { get; set; }

    [CommandOption("--mask-density <D>")]
    [Description("IAD: mask density the size loss allows (default: 0.032).")]
    public double? MaskDensity { get; set; }

    [CommandOption("--mask-epochs <N>")]
    [Description("IAD: epochs pre-training the mask network (default: 25).")]
    public int? MaskEpochs { get; set; }

    [CommandOption("--generator-lr <RATE>")]
    [Description("IAD: Adam learning rate of the generator (default: 0.01).")]
    public double? GeneratorLearningRate { get; set; }

    [CommandOption("--generator-channels <N>")]
    [Description("IAD: base channels of generator and mask network (default: 32 for 32x32 images, 16 for 28x28).")]
    public int? GeneratorChannels { get; set; }

    [CommandOption("--test-alpha <A>")]
    [Description("Adaptive-blend: opacity of the full trigger at test time (default: 0.2).")]
    public double? TestAlpha { get; set; }

    [CommandOption("--pieces <N>")]
    [Description("Adaptive-blend: square number of pattern pieces (default: 16).")]
    public int? Pieces { get; set; }

    [CommandOption("--mask-rate <R>")]
    [Description("Adaptive-blend: share of pieces hidden on each training image (default: 0.5).")]
    public double? MaskRate { get; set; }

    [CommandOption("--cover-rate <R>")]
    [Description("Adaptive-blend: share of training images given the partial trigger with their own label (default: 0.003).")]
    public double? CoverRate { get; set; }

    /// <summary>
    /// The options for <paramref name="attack"/>. With <paramref name="onlyItsOwn"/>, parameters the attack does not
    /// take are left out (a command covering several attacks), else they reach it and it rejects them.
    /// </summary>
    public AttackOptions ToOptions(string attack, ImageShape shape, bool onlyItsOwn = false)
    {
        var own = AttackCatalog.Options(attack);
        T? Take<T>(string option, T? value) => !onlyItsOwn || own.Contains(option) ? value : default;
        return new AttackOptions
        {
            Shape = shape,
            Target = Target ?? 0,
            Rate = Rate,
            CleanLabel = CleanLabel ? true : null,
            Seed = Seed ?? 0,
            PatchSize = Take("--patch-size", PatchSize),
            PatchPosition = Take("--patch-position", PatchPosition),
            PatchPattern = Take("--patch-pattern", PatchPattern),
            PatchImage = Take("--patch-image", PatchImage),
            PatchMask = Take("--patch-mask", PatchMask),
            BlendImage = Take("--blend-image", BlendImage),
            Alpha = Take("--alpha", Alpha),
            K = Take("--warp-k", K),
            S = Take("--warp-s", S),
            GridRescale = Take("--grid-rescale", GridRescale),
            CrossRatio = Take("--cross-ratio", CrossRatio),
            PostRotation = Take("--post-rotation", PostRotation),
            RedrawEachEpoch = Take("--redraw-each-epoch", RedrawEachEpoch.IsSet ? RedrawEachEpoch.Value ?? true : (bool?)null),
            Delta = Take("--delta", Delta),
            Frequency = Take("--frequency", Frequency),
            LambdaDiv = Take("--lambda-div", LambdaDiv),
            LambdaNorm = Take("--lambda-norm", LambdaNorm),
            MaskDensity = Take("--mask-density", MaskDensity),
            MaskEpochs = Take("--mask-epochs", MaskEpochs),
            GeneratorLearningRate = Take("--generator-lr", GeneratorLearningRate),
            GeneratorChannels = Take("--generator-channels", GeneratorChannels),
            TestAlpha = Take("--test-alpha", TestAlpha),
            Pieces = Take("--pieces", Pieces),
            MaskRate = Take("--mask-rate", MaskRate),
            CoverRate = Take("--cover-rate", CoverRate),
        };
    }
}
