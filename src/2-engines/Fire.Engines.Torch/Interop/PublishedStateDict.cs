using TorchSharp;
using static TorchSharp.torch;

namespace Fire.Engines.Torch.Interop;

/// <summary>
/// Moves weights between a zoo net and a state dict under the published names of its <see cref="PublishedLayout"/>.
/// Loading is strict, as PyTorch's <c>load_state_dict</c>: every name must be there, nothing else may be, every shape
/// must agree, and a mismatch is one error listing the missing keys, the unexpected keys and each shape that differs.
/// </summary>
public static class PublishedStateDict
{
    private const int Listed = 12; // names listed per kind of problem; the rest are counted

    /// <summary>
    /// Copies <paramref name="weights"/> into <paramref name="net"/> (its parameters stay the same tensors; values are
    /// converted to the net's dtype as PyTorch's copy does). Nothing is copied unless everything fits.
    /// </summary>
    public static void Load(LayeredNet net, PyTorchWeights weights)
    {
        var layout = PublishedLayout.For(net.Architecture);
        var names = layout.Names(net);
        var state = net.state_dict();
        var published = names.Select(n => n.Published).ToHashSet();
        var missing = names.Where(n => !weights.Tensors.ContainsKey(n.Published)).Select(n => n.Published).ToList();
        var unexpected = weights.Tensors.Keys.Where(k => !published.Contains(k)).Order(StringComparer.Ordinal).ToList(); // files may not keep their order
        var resized = names.Where(n => weights.Tensors.TryGetValue(n.Published, out var t) && !t.shape.SequenceEqual(state[n.Fire].shape)).ToList();
        var sizes = resized
            .Select(n => $"size mismatch for {n.Published}: {Shape(weights.Tensors[n.Published])} in the file, {Shape(state[n.Fire])} in the model")
            .ToList();
        if (missing.Count + unexpected.Count + sizes.Count > 0)
            throw new InvalidDataException(
                $"The {weights.KindDescription} '{weights.Path}' does not fit {net.Architecture} for {string.Join("x", net.InputShape)} images in {net.ClassCount} classes, " +
                $"read with {layout.Description}.{Section("Missing keys", missing.Select(Quote))}{Section("Unexpected keys", unexpected.Select(Quote))}" +
                $"{Section("Shapes", sizes, "; ")}{Hint(net, missing.Count + unexpected.Count > 0, resized.Select(n => n.Fire))}");

        using var noGrad = no_grad();
        foreach (var (fire, name) in names)
            state[fire].copy_(weights.Tensors[name]);
    }

    /// <summary>
    /// The weights and buffers of <paramref name="net"/> under their published names, in the net's order: copies
    /// (contiguous, on the CPU, detached) that the caller disposes.
    /// </summary>
    public static Dictionary<string, Tensor> Export(LayeredNet net)
    {
        var state = net.state_dict();
        var result = new Dictionary<string, Tensor>();
        try
        {
            foreach (var (fire, published) in PublishedLayout.For(net.Architecture).Names(net))
                result.Add(published, state[fire].detach().cpu().contiguous().clone());
            return result;
        }
        catch
        {
            foreach (var tensor in result.Values) tensor.Dispose();
            throw;
        }
    }

    private static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";
    private static string Quote(string name) => $"\"{name}\"";

    private static string Section(string title, IEnumerable<string> items, string separator = ", ")
    {
        var list = items.ToList();
        if (list.Count == 0) return "";
        string more = list.Count > Listed ? $", and {list.Count - Listed} more" : "";
        return $" {title} ({list.Count}): {string.Join(separator, list.Take(Listed))}{more}.";
    }

    /// <summary>What the usual causes look like: another architecture, or another class count.</summary>
    private static string Hint(LayeredNet net, bool namesDiffer, IEnumerable<string> resized)
    {
        if (namesDiffer) return $" Is --arch right? Fire's architectures: {string.Join(", ", ModelZoo.Architectures)}.";
        string classifier = net.LayerNames[^1] + ".";
        return resized.All(name => name.StartsWith(classifier, StringComparison.Ordinal))
            ? $" Only the classifier differs: the file's model has another number of classes than the {net.ClassCount} asked for (the data set's, or --classes)."
            : " The layers exist but their sizes differ: the file may be for images of other channels, or a wider or narrower variant.";
    }
}
