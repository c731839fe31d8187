using System.ComponentModel;
using System.Globalization;
using Fire.Guard;
using Fire.Evaluation.Repair;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli.Commands.RepairCommands;

/// <summary>How FIRE chooses and fits its repair: the options of <c>fire guard fit</c> and of every command that evaluates FIRE.</summary>
public class FireOptionSettings : ModelInputSettings
{
    [CommandOption("--mode <MODES>")]
    [Description("Repair modes to choose from, comma-separated: translate, projection, gated, gated-projection (default: all).")]
    public string? Modes { get; set; }

    [CommandOption("--layers <LAYERS>")]
    [Description("Layers to choose from, comma-separated (default: every layer but the logits).")]
    public string? Layers { get; set; }

    [CommandOption("--alpha <VALUES>")]
    [Description("Repair strengths to choose from, comma-separated (default: 0.5,1,1.5).")]
    public string? Alphas { get; set; }

    [CommandOption("--directions <DENSITIES>")]
    [Description("Direction estimates to choose from, comma-separated: dense (the difference of means), sparse (only its significant coordinates) (default: both).")]
    public string? Directions { get; set; }

    [CommandOption("--max-layers <N>")]
    [Description("The automatic choice stacks repairs at up to N layers, adding one only while it raises the held-out repair score (default: 1; docs/fire-stacked.md measures 2).")]
    public int MaxLayers { get; set; } = new FireOptions().MaxRepairLayers;

    [CommandOption("--fixed")]
    [Description("No automatic choice: repair every --layers layer at once with the one --mode, --alpha (one value, or one per layer) and --directions (default: dense).")]
    public bool Fixed { get; set; }

    [CommandOption("--max-clean-drop <SHARE>")]
    [Description("Clean guard: the automatic choice rejects repairs that lower accuracy on the clean reference by more than this (default: 0.01, one point).")]
    public double MaxCleanDrop { get; set; } = new FireOptions().MaxCleanAccuracyDrop;

    [CommandOption("--max-target-ratio <R>")]
    [Description("Target-class guard: it also rejects repairs that move clean target-class images off the target at more than R times the rate they move the flagged samples off it, plus one image (default: 0.5; docs/fire-false-flags.md).")]
    public double MaxTargetRatio { get; set; } = new FireOptions().MaxTargetClassDropRatio;

    [CommandOption("--target-likeness <LEVEL>")]
    [Description("False-flag test: no repair when no layer tells the flagged images predicted as the target from clean images of that class at this level (default: 0.01; 0: off; docs/fire-false-flags.md).")]
    public double TargetLikeness { get; set; } = new FireOptions().TargetLikenessLevel;

    [CommandOption("--capture-level <LEVEL>")]
    [Description("Inert-pattern test: no repair when, at some layer, significantly fewer than half of the flagged images that carry the flags' pattern are predicted as the target, at this level (default: 0.01; 0: measured, not acted on; docs/fire-false-flags.md).")]
    public double CaptureLevel { get; set; } = new FireOptions().CaptureLevel;

    [CommandOption("--clean <N>")]
    [Description("Clean reference images from the training split (default: 500).")]
    public int Clean { get; set; } = 500;

    [CommandOption("--augment <COPIES>")]
    [Description("Unpaired estimation: add this many augmented copies (shifts up to 2 px, noise 0.02) per image (default: 0, off).")]
    public int Augment { get; set; }

    [CommandOption("--seed <N>")]
    [Description("Seed for drawing the defender's samples and the clean hold-out (default: 0).")]
    public int Seed { get; set; }

    public override ValidationResult Validate()
    {
        if (Clean < 2) return ValidationResult.Error($"--clean must be at least 2, got {Clean}.");
        if (MaxLayers < 1) return ValidationResult.Error($"--max-layers must be at least 1, got {MaxLayers}.");
        if (MaxCleanDrop is not (>= 0 and <= 1)) return ValidationResult.Error($"--max-clean-drop lies in [0, 1], got {MaxCleanDrop}.");
        if (!(MaxTargetRatio >= 0 && double.IsFinite(MaxTargetRatio))) return ValidationResult.Error($"--max-target-ratio must be a number >= 0, got {MaxTargetRatio}.");
        if (TargetLikeness is not (>= 0 and < 1)) return ValidationResult.Error($"--target-likeness lies in [0, 1), got {TargetLikeness}.");
        if (CaptureLevel is not (>= 0 and < 1)) return ValidationResult.Error($"--capture-level lies in [0, 1), got {CaptureLevel}.");
        if (Augment < 0) return ValidationResult.Error($"--augment must be 0 or more, got {Augment}.");
        if (Fixed && (Layers is null || Modes is null || Alphas is null))
            return ValidationResult.Error("--fixed needs --layers, one --mode and --alpha.");
        return base.Validate();
    }

    /// <summary>The guard's options these settings describe; layer names are checked when the guard meets the model.</summary>
    public FireOptions FireOptions()
    {
        var defaults = new FireOptions();
        var modes = Modes is null ? defaults.Modes : List(Modes).Select(RepairModes.Parse).ToList();
        var alphas = Alphas is null ? defaults.Alphas : List(Alphas).Select(ParseAlpha).ToList();
        var densities = Directions is null ? defaults.Densities : List(Directions).Select(DirectionDensities.Parse).Distinct().ToList();
        var layers = Layers is null ? null : List(Layers);
        var augmentation = Augment == 0 ? ImageAugmentation.None : ImageAugmentation.Standard with { Copies = Augment };
        IReadOnlyList<RepairSetting>? plan = null;
        if (Fixed)
        {
            if (modes.Count != 1) throw new ArgumentException($"--fixed takes one --mode, got {modes.Count}.");
            if (alphas.Count != 1 && alphas.Count != layers!.Length)
                throw new ArgumentException($"--fixed takes one --alpha or one per layer ({layers.Length}), got {alphas.Count}.");
            if (Directions is not null && densities.Count != 1) throw new ArgumentException($"--fixed takes one --directions, got {densities.Count}.");
            var density = Directions is null ? DirectionDensity.Dense : densities[0];
            plan = layers!.Select((layer, i) => new RepairSetting(layer, modes[0], alphas[alphas.Count == 1 ? 0 : i], density)).ToList();
        }
        return defaults with { Modes = modes, Alphas = alphas, Densities = densities, Layers = layers, FixedPlan = plan, MaxRepairLayers = MaxLayers, Augmentation = augmentation, Seed = Seed,
            MaxCleanAccuracyDrop = MaxCleanDrop, MaxTargetClassDropRatio = MaxTargetRatio,
            TargetLikenessLevel = TargetLikeness, CaptureLevel = CaptureLevel };
    }

    /// <summary>The FIRE options given that differ from the defaults, as arguments, so a report's command line reproduces it.</summary>
    public IEnumerable<string> FireArguments()
    {
        var defaults = new FireOptions();
        if (Modes is not null) yield return $"--mode {Modes}";
        if (Layers is not null) yield return $"--layers {Layers}";
        if (Alphas is not null) yield return $"--alpha {Alphas}";
        if (Directions is not null) yield return $"--directions {Directions}";
        if (MaxLayers != defaults.MaxRepairLayers) yield return $"--max-layers {MaxLayers}";
        if (Fixed) yield return "--fixed";
        if (Augment > 0) yield return $"--augment {Augment}";
        if (MaxCleanDrop != defaults.MaxCleanAccuracyDrop) yield return $"--max-clean-drop {MaxCleanDrop.ToString(CultureInfo.InvariantCulture)}";
        if (MaxTargetRatio != defaults.MaxTargetClassDropRatio) yield return $"--max-target-ratio {MaxTargetRatio.ToString(CultureInfo.InvariantCulture)}";
        if (TargetLikeness != defaults.TargetLikenessLevel) yield return $"--target-likeness {TargetLikeness.ToString(CultureInfo.InvariantCulture)}";
        if (CaptureLevel != defaults.CaptureLevel) yield return $"--capture-level {CaptureLevel.ToString(CultureInfo.InvariantCulture)}";
    }

    public static string[] List(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static float ParseAlpha(string text) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float alpha) && RepairSetting.IsValidAlpha(alpha)
            ? alpha
            : throw new ArgumentException($"--alpha takes finite numbers >= 0, got '{text}'.");
}

/// <summary>How FIRE is evaluated on a backdoored checkpoint: the options shared by <c>fire defend</c>, <c>fire demo</c> and <c>fire defend-report</c>.</summary>
public class FireSettings : FireOptionSettings
{
    [CommandOption("--observed <K>")]
    [Description("Observed poisoned samples (triggered training images of non-target classes) FIRE fits on (default: 100).")]
    public int Observed { get; set; } = 100;

    [CommandOption("--paired")]
    [Description("Paired estimation from (x, T(x)); default: unpaired, from the clean and poisoned sets.")]
    public bool Paired { get; set; }

    [CommandOption("--test-limit <N>")]
    [Description("Evaluate on a seeded subset of N test images (default: the whole test split; `fire demo`: 2000).")]
    public int? TestLimit { get; set; }

    [CommandOption("--no-latency")]
    [Description("Skip the latency measurement.")]
    public bool NoLatency { get; set; }

    public override ValidationResult Validate()
    {
        if (Observed < 1) return ValidationResult.Error($"--observed must be at least 1, got {Observed}.");
        if (TestLimit is < 1) return ValidationResult.Error($"--test-limit must be at least 1, got {TestLimit}.");
        return base.Validate();
    }

    public FireExperimentSettings Experiment(IReadOnlyList<int> streamingPoints) => new()
    {
        Observed = Observed,
        Paired = Paired,
        CleanCount = Clean,
        TestLimit = TestLimit,
        Seed = Seed,
        Fire = FireOptions(),
        StreamingPoints = streamingPoints,
        MeasureLatency = !NoLatency,
    };
}
