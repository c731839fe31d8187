using Fire.Attacks.Kinds;
using Fire.Attacks.Specs;
using Fire.Training;

namespace Fire.Attacks;

/// <summary>The attacks Fire knows, by name: build one from options, or rebuild one from a saved specification.</summary>
public static class AttackCatalog
{
    private sealed record Kind(string Name, string[] Aliases, string Summary, string[] Options,
        Func<AttackOptions, BackdoorAttack> Create, Func<AttackSpec, string, BackdoorAttack> Restore);

    private static readonly Kind[] Kinds =
    [
        new(BadNetsAttack.Kind, ["badnet"], "3x3 white patch, bottom-right", BadNetsAttack.Options,
            BadNetsAttack.Create, (spec, _) => BadNetsAttack.Restore(spec)),
        new(BlendedAttack.Kind, ["blend"], "whole-image blend, alpha 0.2", BlendedAttack.Options,
            BlendedAttack.Create, (spec, _) => BlendedAttack.Restore(spec)),
        new(WaNetAttack.Kind, [], "smooth warp, k 4, s 0.5, noise mode", WaNetAttack.Options,
            WaNetAttack.Create, (spec, _) => WaNetAttack.Restore(spec)),
        new(SigAttack.Kind, [], "sinusoid, delta 40, f 6, clean-label", SigAttack.Options,
            SigAttack.Create, (spec, _) => SigAttack.Restore(spec)),
        new(IadAttack.Kind, ["inputaware", "input-aware"], "input-aware dynamic, learned generator and mask", IadAttack.Options,
            IadAttack.Create, IadAttack.Restore),
        new(AdaptiveBlendAttack.Kind, ["adaptive_blend", "adap-blend"], "partial blends and cover samples, built to hide latent separation",
            AdaptiveBlendAttack.Options, AdaptiveBlendAttack.Create, (spec, _) => AdaptiveBlendAttack.Restore(spec)),
    ];

    /// <summary>Canonical attack names, in the order reports list them.</summary>
    public static IReadOnlyList<string> Names { get; } = Kinds.Select(k => k.Name).ToArray();

    /// <summary>A one-line description of an attack's default trigger.</summary>
    public static string Summary(string name) => Find(name).Summary;

    /// <summary>The attack-specific command-line parameters an attack takes.</summary>
    public static IReadOnlyList<string> Options(string name) => Find(name).Options;

    /// <summary>The canonical name of <paramref name="name"/> (case-insensitive, aliases allowed).</summary>
    public static string Canonical(string name) => Find(name).Name;

    /// <summary>
    /// A new attack from <paramref name="options"/>, defaults filled in (BackdoorBench's). Parameters the attack does
    /// not take are an error that names them and lists the ones it does.
    /// </summary>
    public static BackdoorAttack Create(string name, AttackOptions options)
    {
        var kind = Find(name);
        var foreign = options.GivenParameters().Except(kind.Options).ToArray();
        if (foreign.Length > 0)
            throw new ArgumentException(
                $"The {kind.Name} attack does not take {string.Join(", ", foreign)}. Its parameters: {(kind.Options.Length == 0 ? "none" : string.Join(", ", kind.Options))}.");
        return kind.Create(options);
    }

    /// <summary>
    /// An attack at BackdoorBench's defaults for a training run of <paramref name="epochs"/> epochs on
    /// <paramref name="dataset"/>: IAD's mask pre-training (25 epochs of BackdoorBench's 100 on CIFAR-10, of 50
    /// elsewhere) is scaled like the training, unless <paramref name="maskEpochs"/> is given. The reports and the
    /// benchmark build their attacks here, so that they share trained models.
    /// </summary>
    public static BackdoorAttack CreateForRun(string name, ImageShape shape, int seed, string dataset, int epochs, int? maskEpochs = null)
    {
        string canonical = Canonical(name);
        int? scaledMask = canonical == IadAttack.Kind
            ? maskEpochs ?? Math.Clamp((int)Math.Round(25.0 * epochs / TrainRecipe.BackdoorBench(dataset).Epochs), 1, 25)
            : null;
        return Create(canonical, new AttackOptions { Shape = shape, Seed = seed, MaskEpochs = scaledMask });
    }

    /// <summary>
    /// Rebuilds a saved attack exactly: the same trigger, byte for byte. <paramref name="directory"/> is where files the
    /// specification names (IAD's networks) are looked up, normally the checkpoint's folder.
    /// </summary>
    public static BackdoorAttack FromSpec(AttackSpec spec, string directory) => Find(spec.Attack).Restore(spec, directory);

    private static Kind Find(string name) =>
        Kinds.FirstOrDefault(k => k.Name.Equals(name, StringComparison.OrdinalIgnoreCase)
                                  || k.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown attack '{name}'. Known attacks: {string.Join(", ", Names)}.");
}
