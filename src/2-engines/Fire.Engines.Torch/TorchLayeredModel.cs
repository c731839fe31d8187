using TorchSharp;
using static TorchSharp.torch;

namespace Fire.Engines.Torch;

/// <summary>
/// The <see cref="ILayeredModel"/> view of a <see cref="LayeredNet"/>: inference only, eval mode, no gradients.
/// Safe to call from several threads at once (each call has its own <see cref="LayerAccess"/>) as long as nobody
/// trains or changes the net meanwhile.
/// </summary>
public sealed class TorchLayeredModel : ILayeredModel, IBatchNormAmplifiable
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

    public IReadOnlyList<LayerInfo> DescribeLayers() => Net.DescribeLayers();

    public int BatchNormCount => BatchNormAmplification.Layers(Net).Count;

    /// <summary>A copy of the net with those batch-norm layers amplified (<see cref="BatchNormAmplification"/>); this net is only read.</summary>
    public ILayeredModel WithBatchNormAmplified(IReadOnlyCollection<int> layers, float factor) =>
        new TorchLayeredModel(BatchNormAmplification.Amplified(Net, layers, factor), ownsNet: true);

    public FloatBatch Forward(FloatBatch input, LayerAccess? access = null)
    {
        foreach (var layer in access?.NamedLayers ?? Enumerable.Empty<string>()) Net.LayerIndex(layer);
        var names = Net.LayerNames;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = Net.Forward(ToTensor(CheckPixels(input)), (i, x) =>
        {
            if (access is null) return null;
            Tensor? edited = null;
            if (access.Editors.TryGetValue(names[i], out var editor)) edited = Edited(x, editor);
            if (access.Taps.Contains(names[i]))
            {
                var read = TensorConversion.Editable(edited ?? x);
                access.Deliver(names[i], new ActivationSpan(TensorConversion.Values(read), read.shape.Select(d => (int)d).ToArray()));
            }
            return edited;
        });
        return ToBatch(logits);
    }

    /// <summary>
    /// <paramref name="x"/> changed by <paramref name="editor"/> in libtorch's own memory, in place: no copy on the
    /// inference path, so a repair costs little more than its arithmetic (a copy only when x is not contiguous float32).
    /// In place is safe because the net is a chain: a layer's output feeds only the next layer, and taps copy it.
    /// </summary>
    private static Tensor Edited(Tensor x, ActivationEditor editor)
    {
        var edited = TensorConversion.Editable(x);
        editor(new ActivationSpan(TensorConversion.Values(edited), edited.shape.Select(d => (int)d).ToArray()));
        return edited;
    }

    public FloatBatch Head(FloatBatch input, string layer)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return ToBatch(Net.Head(ToTensor(CheckPixels(input)), layer));
    }

    public FloatBatch Tail(FloatBatch activation, string layer)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return ToBatch(Net.Tail(ToTensor(activation), layer));
    }

    /// <summary>The net normalises its input itself and takes pixels in [0, 1] (<see cref="PixelRange"/>).</summary>
    private static FloatBatch CheckPixels(FloatBatch images) => PixelRange.Check(images);

    /// <summary>
    /// A float32 tensor with a copy of <paramref name="batch"/>'s values, in the current dispose scope. Prefer it to
    /// <c>torch.tensor(float[])</c>, which pins the managed array: its weaker alignment makes some kernels round
    /// differently in the last bits, so a tail would not reproduce a forward pass exactly.
    /// </summary>
    public static Tensor ToTensor(FloatBatch batch) => TensorConversion.ToTensor(batch.Data, batch.Shape.Select(d => (long)d).ToArray());

    /// <summary>A copy of <paramref name="x"/>'s values (any float tensor; converted to float32).</summary>
    public static FloatBatch ToBatch(Tensor x) => new(TensorConversion.ToArray(x), x.shape.Select(d => (int)d).ToArray());

    public void Dispose()
    {
        if (_ownsNet) Net.Dispose();
    }
}
