using Fire.Attacks;
using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Evaluation.Models;

namespace Fire.Cli.Commands.AttackCommands;

/// <summary>
/// Attacks as the command line gives them. Their own options (declared on each attack's options record) are taken from
/// those the parser left over. A command that also takes FIRE's options (`fire defend` with an .onnx model) owns `--alpha`
/// itself, so every attack option may also be written with the prefix <see cref="Prefix"/>: `--trigger-alpha 0.2` is
/// Blended's `--alpha`.
/// </summary>
public static class CommandLineAttacks
{
    public const string Prefix = "--trigger-";

    /// <summary>The attack options in <paramref name="remaining"/>, by their declared long name, in order; <paramref name="unknown"/> gets the rest.</summary>
    public static IReadOnlyList<(string Option, string? Text)> Claim(ILookup<string, string?> remaining, out IReadOnlyList<string> unknown)
    {
        var claimed = new List<(string Option, string? Text)>();
        var others = new List<string>();
        foreach (var option in remaining)
        {
            if (Find(option.Key) is { } flag)
                claimed.AddRange(option.Select(text => (flag.Name, text)));
            else
                others.Add(option.Key);
        }
        unknown = others;
        return claimed;
    }

    /// <summary>An attack made from options alone, for its test-time trigger (no training): every attack but IAD, whose trigger is a trained network.</summary>
    public static BackdoorAttack Create(string attack, AttackOptions options, string option = "--attack")
    {
        string name = AttackCatalog.Canonical(attack);
        if (name == IadAttack.Kind)
            throw new ArgumentException($"{option} iad: IAD's trigger is a network trained with the backdoor; it cannot be made from options. Use its checkpoint (--from) or flagged images.");
        return AttackCatalog.Create(name, options);
    }

    /// <summary>
    /// The backdoor of <paramref name="model"/>: the attack its checkpoint records, or for a model that records none (an
    /// ONNX file) the one <paramref name="attack"/> (--attack), its <paramref name="arguments"/> and <paramref name="target"/> (--target) describe.
    /// </summary>
    public static BackdoorAttack ForModel(OpenedModel model, string? attack, int? target, IReadOnlyList<(string Option, string? Text)> arguments)
    {
        if (model.Attack is { } recorded)
        {
            if (attack is not null || target is not null || arguments.Count > 0)
                throw new ArgumentException($"'{model.Path}' records its attack ({recorded.Name}, target {recorded.Target}): leave out --attack, --target and the attack's options (they are for .onnx models).");
            return recorded;
        }
        if (attack is null)
            throw new ArgumentException(model.IsOnnx
                ? $"'{model.Path}' is an ONNX model and records no attack: give --attack (its trigger makes the flagged and the triggered test images), its options and --target."
                : $"'{model.Path}' is a clean checkpoint (no attack recorded): give a backdoored one from `fire attack`, or --attack and --target to test a trigger on it.");
        int chosen = target ?? 0;
        if (chosen < 0 || chosen >= model.ClassCount) throw new ArgumentException($"--target {chosen} is not a class of '{model.Path}' ({model.ClassCount} classes).");
        return Create(attack, new AttackOptions { Shape = ImageShape.FromArray(model.InputShape), Target = chosen, Arguments = arguments });
    }

    /// <summary>The options as a command line writes them back (every one with <see cref="Prefix"/>, so it reaches the attack in any command).</summary>
    public static IEnumerable<string> Format(IReadOnlyList<(string Option, string? Text)> arguments) =>
        arguments.Select(a => Prefix + a.Option[2..] + (a.Text is null ? "" : " " + Quote(a.Text)));

    private static string Quote(string text) => text.Any(char.IsWhiteSpace) ? $"\"{text}\"" : text;

    private static AttackFlag? Find(string key)
    {
        string name = key.StartsWith("--", StringComparison.Ordinal) || key.StartsWith('-') ? key : (key.Length == 1 ? "-" : "--") + key;
        if (name.StartsWith(Prefix, StringComparison.Ordinal)) name = "--" + name[Prefix.Length..];
        return AttackCatalog.AllFlags.FirstOrDefault(f => f.Name == name || f.Alias == name);
    }
}
