using Fire.Data;
using Fire.Engines.Torch.Architectures;

namespace Fire.Engines.Torch;

/// <summary>Builds the architectures Fire knows by name, for any input channel count, image size and class count.</summary>
public static class ModelZoo
{
    private static readonly Dictionary<string, Func<int, int, int, int, Normalization, LayeredNet>> Builders =
        new(StringComparer.OrdinalIgnoreCase)
        {
            [SmallCnn.Name] = (c, h, w, k, n) => new SmallCnn(c, h, w, k, n),
            [ResNet20.Name] = (c, h, w, k, n) => new ResNet20(c, h, w, k, n),
            [Vgg11Bn.Name] = (c, h, w, k, n) => new Vgg11Bn(c, h, w, k, n),
            [PreActResNet18.Name] = (c, h, w, k, n) => new PreActResNet18(c, h, w, k, n),
        };

    /// <summary>Architecture names, the CPU default first.</summary>
    public static IReadOnlyList<string> Architectures => Builders.Keys.ToList();

    public const string Default = SmallCnn.Name;

    public static LayeredNet Create(string architecture, int channels, int height, int width, int classCount, Normalization normalization)
    {
        if (!Builders.TryGetValue(architecture, out var build))
            throw new ArgumentException($"Unknown architecture '{architecture}'. Known: {string.Join(", ", Architectures)}.");
        return build(channels, height, width, classCount, normalization);
    }
}
