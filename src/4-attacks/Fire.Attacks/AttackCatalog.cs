using Fire.Attacks.Specs;
using Fire.Training;

namespace Fire.Attacks;

/// <summary>
/// The attacks Fire knows, by name: build one from options, or rebuild one from a saved specification. Each attack is
/// one folder under Attacks/ (trigger, poisoning, options record) and one line here.
/// </summary>
public static class AttackCatalog
{
    /// <summary>Every attack, in the order reports list them.</summary>
    public static IReadOnlyList<AttackEntry> Entries { get; } =
    [
        AttackEntry.For<BadNetsOptions>(BadNetsAttack.Kind, "3x3 white patch, bottom-right", BadNetsAttack.Create, (spec, _) => BadNetsAttack.Restore(spec), "badnet"),
        AttackEntry.For<BlendedOptions>(BlendedAttack.Kind, "whole-image blend, alpha 0.2", BlendedAttack.Create, (spec, _) => BlendedAttack.Restore(spec), "blend"),
        AttackEntry.For<WaNetOptions>(WaNetAttack.Kind, "smooth warp, k 4, s 0.5, noise mode", WaNetAttack.Create, (spec, _) => WaNetAttack.Restore(spec)),
        AttackEntry.For<SigOptions>(SigAttack.Kind, "sinusoid, delta 40, f 6, clean-label", SigAttack.Create, (spec, _) => SigAttack.Restore(spec)),
        AttackEntry.For<IadOptions>(IadAttack.Kind, "input-aware dynamic, learned generator and mask", IadAttack.Create, IadAttack.Restore, "inputaware", "input-aware"),
        AttackEntry.For<AdaptiveBlendOptions>(AdaptiveBlendAttack.Kind, "partial blends and cover samples, built to hide latent separation",
            AdaptiveBlendAttack.Create, (spec, _) => AdaptiveBlendAttack.Restore(spec), "adaptive_blend", "adap-blend"),
    ];

    /// <summary>Canonical attack names, in the order reports list them.</summary>
    public static IReadOnlyList<string> Names { get; } = Entries.Select(e => e.Name).ToArray();

    /// <summary>
    /// Every attack option, once per name (attacks that share a name, as --alpha, share its value type): what a front
    /// end accepts besides the options every attack takes.
    /// </summary>
    public static IReadOnlyList<AttackFlag> AllFlags { get; } = Entries.SelectMany(e => e.Flags).DistinctBy(f => f.Name).ToArray();

    /// <summary>A one-line description of an attack's default trigger.</summary>
    public static string Summary(string name) => Entry(name).Description;

    /// <summary>The attack-specific command-line parameters an attack takes.</summary>
    public static IReadOnlyList<string> Options(string name) => Entry(name).Flags.Select(f => f.Name).ToArray();

    /// <summary>The canonical name of <paramref name="name"/> (case-insensitive, aliases allowed).</summary>
    public static string Canonical(string name) => Entry(name).Name;

    /// <summary>
    /// A new attack from <paramref name="options"/>, defaults filled in (BackdoorBench's). Parameters the attack does
    /// not take are an error that names them and lists the ones it does.
    /// </summary>
    public static BackdoorAttack Create(string name, AttackOptions options) => Entry(name).Create(options);

    /// <summary>
    /// An attack at BackdoorBench's defaults for a training run of <paramref name="epochs"/> epochs on
    /// <paramref name="dataset"/>: IAD's mask pre-training (25 epochs of BackdoorBench's 100 on CIFAR-10, of 50
    /// elsewhere) is scaled like the training, unless <paramref name="maskEpochs"/> is given. The reports and the
    /// benchmark build their attacks here, so that they share trained models.
    /// </summary>
    public static BackdoorAttack CreateForRun(string name, ImageShape shape, int seed, string dataset, int epochs, int? maskEpochs = null)
    {
        string canonical = Canonical(name);
        var own = canonical == IadAttack.Kind
            ? new IadOptions { MaskEpochs = maskEpochs ?? Math.Clamp((int)Math.Round(25.0 * epochs / TrainRecipe.BackdoorBench(dataset).Epochs), 1, 25) }
            : null;
        return Create(canonical, new AttackOptions { Shape = shape, Seed = seed, Own = own });
    }

    /// <summary>
    /// Rebuilds a saved attack exactly: the same trigger, byte for byte. <paramref name="directory"/> is where files the
    /// specification names (IAD's networks) are looked up, normally the checkpoint's folder.
    /// </summary>
    public static BackdoorAttack FromSpec(AttackSpec spec, string directory) => Entry(spec.Attack).Restore(spec, directory);

    /// <summary>The attack called <paramref name="name"/> (case-insensitive, aliases allowed).</summary>
    public static AttackEntry Entry(string name) =>
        Entries.FirstOrDefault(e => e.Name.Equals(name, StringComparison.OrdinalIgnoreCase)
                                    || e.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown attack '{name}'. Known attacks: {string.Join(", ", Names)}.");
}
