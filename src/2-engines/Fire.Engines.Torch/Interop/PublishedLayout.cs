using System.Text.RegularExpressions;
using Fire.Engines.Torch.Architectures;

namespace Fire.Engines.Torch.Interop;

/// <summary>
/// The state-dict names that PyTorch code uses for a zoo architecture, as rewrites of the zoo's own names: the zoo keeps
/// its layer names (stem, layerS_B, fc), so Fire's own checkpoints load as before, and only files crossing to or from
/// PyTorch are renamed. The normalisation buffers are Fire's own (published models normalise outside the network) and
/// are left out. An architecture with no published layout crosses under the zoo's own module names.
/// </summary>
public sealed class PublishedLayout
{
    private readonly (Regex Fire, string Published)[] _rules;

    private PublishedLayout(string architecture, string description, params (string FirePattern, string Published)[] rules)
    {
        Architecture = architecture;
        Description = description;
        _rules = rules.Select(r => (new Regex(r.FirePattern, RegexOptions.CultureInvariant), r.Published)).ToArray();
    }

    public string Architecture { get; }
    /// <summary>Whose names these are, for messages and the sidecar.</summary>
    public string Description { get; }

    // layerS_B.x -> layerS.B.x: PyTorch keeps a stage's blocks in an nn.Sequential.
    private static readonly (string, string) StageBlock = (@"^layer(\d+)_(\d+)\.", "layer$1.$2.");

    private static readonly PublishedLayout[] Layouts =
    [
        new(PreActResNet18.Name, "BackdoorBench's PreActResNet18 names (conv1, layerS.B.bn1, layerS.0.shortcut.0, linear)",
            (@"^stem\.", "conv1."), StageBlock, (@"^fc\.", "linear.")),
        new(ResNet20.Name, "the common PyTorch CIFAR ResNet-20 names (conv1, bn1, layerS.B.convK / bnK, linear)",
            (@"^stem\.0\.", "conv1."), (@"^stem\.1\.", "bn1."), StageBlock, (@"^fc\.", "linear.")),
    ];

    /// <summary>The layout of <paramref name="architecture"/>: its published names, or the zoo's own where it has none.</summary>
    public static PublishedLayout For(string architecture) =>
        Layouts.FirstOrDefault(l => l.Architecture.Equals(architecture, StringComparison.OrdinalIgnoreCase))
        ?? new PublishedLayout(architecture, $"Fire's own {architecture} module names (no published layout is known for it)");

    /// <summary>The published name of one of the zoo's state-dict entries.</summary>
    public string ToPublished(string fireName)
    {
        foreach (var (pattern, published) in _rules)
            if (pattern.IsMatch(fireName))
                return pattern.Replace(fireName, published, 1);
        return fireName;
    }

    /// <summary>
    /// Every weight and buffer of <paramref name="net"/> except the normalisation buffers, zoo name to published name, in
    /// the net's order. Throws if two entries would get the same published name (a broken rule, not a user error).
    /// </summary>
    public IReadOnlyList<(string Fire, string Published)> Names(LayeredNet net)
    {
        var names = net.state_dict().Keys
            .Where(k => k is not (LayeredNet.MeanBuffer or LayeredNet.StdBuffer))
            .Select(k => (Fire: k, Published: ToPublished(k)))
            .ToList();
        var clash = names.GroupBy(n => n.Published).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new InvalidOperationException($"The {Architecture} layout maps {string.Join(" and ", clash.Select(c => c.Fire))} to the same name '{clash.Key}'.");
        return names;
    }
}
