using Fire.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Fire.Models;

/// <summary>The <see cref="ILayeredModel"/> view of a <see cref="LayeredNet"/>: inference only, eval mode, no gradients.</summary>
public sealed class TorchLayeredModel : ILayeredModel
{
    private readonly bool _ownsNet;

    public TorchLayeredModel(LayeredNet net, bool ownsNet = false)
    {
        Net = net;
        _ownsNet = ownsNet;
        net.eval();
    }

    public LayeredNet Net { get; }
    public int[] InputShape => Net.InputShape;
    public int ClassCount => Net.ClassCount;
    public IReadOnlyList<string> LayerNames => Net.LayerNames;

    public IReadOnlyList<LayerInfo> DescribeLayers()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var infos = new List<LayerInfo>();
        var names = Net.LayerNames;
        Net.Forward(zeros(1, InputShape[0], InputShape[1], InputShape[2]), (i, x) =>
        {
            infos.Add(new LayerInfo(names[i], x.shape.Skip(1).Select(d => (int)d).ToArray()));
            return null;
        });
        return infos;
    }

    public FloatBatch Forward(FloatBatch input, LayerAccess? access = null)
    {
        CheckInput(input);
        var names = Net.LayerNames;
        foreach (var layer in access?.NamedLayers ?? Enumerable.Empty<string>()) Net.LayerIndex(layer);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = Net.Forward(ToTensor(input), (i, x) =>
        {
            if (access is null) return null;
            Tensor? replaced = null;
            if (access.Editors.TryGetValue(names[i], out var editor))
            {
                var edited = editor(ToBatch(x));
                if (!edited.Shape.SequenceEqual(x.shape.Select(d => (int)d)))
                    throw new ArgumentException($"The replacement for layer '{names[i]}' has shape [{string.Join(", ", edited.Shape)}], the layer produces [{string.Join(", ", x.shape)}].");
                replaced = ToTensor(edited);
            }
            if (access.Taps.Contains(names[i])) access.Capture(names[i], ToBatch(replaced ?? x));
            return replaced;
        });
        return ToBatch(logits);
    }

    public FloatBatch Head(FloatBatch input, string layer)
    {
        CheckInput(input);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return ToBatch(Net.Head(ToTensor(input), layer));
    }

    public FloatBatch Tail(FloatBatch activation, string layer)
    {
        int index = Net.LayerIndex(layer);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return ToBatch(Net.RunLayers(ToTensor(activation), index + 1, Net.LayerNames.Count));
    }

    private void CheckInput(FloatBatch input)
    {
        if (input.Shape.Length != 4 || !input.Shape[1..].SequenceEqual(InputShape))
            throw new ArgumentException($"{Net.Architecture} takes images of shape (N, {string.Join(", ", InputShape)}); got [{string.Join(", ", input.Shape)}].");
    }

    public static Tensor ToTensor(FloatBatch batch) => tensor(batch.Data, batch.Shape.Select(d => (long)d).ToArray());

    public static FloatBatch ToBatch(Tensor x)
    {
        using var contiguous = x.detach().contiguous();
        return new FloatBatch(contiguous.data<float>().ToArray(), x.shape.Select(d => (int)d).ToArray());
    }

    public void Dispose()
    {
        if (_ownsNet) Net.Dispose();
    }
}
