using Fire.Attacks;
using Fire.Attacks.Specs;

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

    private static AttackFlag? Find(string key)
    {
        string name = key.StartsWith("--", StringComparison.Ordinal) || key.StartsWith('-') ? key : (key.Length == 1 ? "-" : "--") + key;
        if (name.StartsWith(Prefix, StringComparison.Ordinal)) name = "--" + name[Prefix.Length..];
        return AttackCatalog.AllFlags.FirstOrDefault(f => f.Name == name || f.Alias == name);
    }
}
