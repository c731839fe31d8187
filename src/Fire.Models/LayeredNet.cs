using Fire.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Fire.Models;

/// <summary>
/// A TorchSharp classifier built as a chain of named layers (stages). It takes images in [0, 1] and
/// normalises them itself, so checkpoints, triggers and input-space defenses all work in image space.
/// The activation between two stages is what Fire reads and repairs.
/// </summary>
public abstract class LayeredNet : nn.Module<Tensor, Tensor>
{
    private readonly List<(string Name, nn.Module<Tensor, Tensor> Module)> _layers = new();
    private readonly Tensor _mean;
    private readonly Tensor _std;

    protected LayeredNet(string architecture, int channels, int height, int width, int classCount, Normalization normalization)
        : base(architecture)
    {
        if (classCount < 2) throw new ArgumentException($"{architecture}: a classifier needs at least 2 classes, got {classCount}.");
        if (normalization.Mean.Length != channels || normalization.Std.Length != channels)
            throw new ArgumentException($"{architecture}: normalisation has {normalization.Mean.Length} means for {channels} input channels.");
        Architecture = architecture;
        InputShape = new[] { channels, height, width };
        ClassCount = classCount;
        _mean = tensor(normalization.Mean).reshape(1, channels, 1, 1);
        _std = tensor(normalization.Std).reshape(1, channels, 1, 1);
        register_buffer("input_mean", _mean);
        register_buffer("input_std", _std);
    }

    public string Architecture { get; }
    /// <summary>(C, H, W) of one input image.</summary>
    public int[] InputShape { get; }
    public int ClassCount { get; }
    public IReadOnlyList<string> LayerNames => _layers.Select(l => l.Name).ToList();

    /// <summary>Appends a named stage. Names are unique and contain no dots (PyTorch module naming).</summary>
    protected void AddLayer(string name, nn.Module<Tensor, Tensor> module)
    {
        if (_layers.Any(l => l.Name == name)) throw new ArgumentException($"Layer name '{name}' is used twice.");
        register_module(name, module);
        _layers.Add((name, module));
    }

    /// <summary>Index of a named layer; an unknown name gets an error listing the known ones.</summary>
    public int LayerIndex(string name)
    {
        int index = _layers.FindIndex(l => l.Name == name);
        if (index < 0)
            throw new ArgumentException($"Unknown layer '{name}' in {Architecture}. Layers: {string.Join(", ", LayerNames)}.");
        return index;
    }

    public Tensor Normalize(Tensor images) => (images - _mean) / _std;

    public override Tensor forward(Tensor images) => RunLayers(Normalize(images), 0, _layers.Count);

    /// <summary>Runs layers [from, to) on <paramref name="x"/>; intermediate tensors are disposed.</summary>
    public Tensor RunLayers(Tensor x, int from, int to)
    {
        using var scope = NewDisposeScope();
        for (int i = from; i < to; i++) x = _layers[i].Module.call(x);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The activation of <paramref name="layer"/> (the output of that stage).</summary>
    public Tensor Head(Tensor images, string layer)
    {
        using var scope = NewDisposeScope();
        return RunLayers(Normalize(images), 0, LayerIndex(layer) + 1).MoveToOuterDisposeScope();
    }

    /// <summary>The logits the layers after <paramref name="layer"/> produce from its activation.</summary>
    public Tensor Tail(Tensor activation, string layer) => RunLayers(activation, LayerIndex(layer) + 1, _layers.Count);

    /// <summary>
    /// A forward pass that calls <paramref name="afterLayer"/> with each layer's index and output; a non-null
    /// return replaces the output for the rest of the network.
    /// </summary>
    public Tensor Forward(Tensor images, Func<int, Tensor, Tensor?> afterLayer)
    {
        using var scope = NewDisposeScope();
        var x = Normalize(images);
        for (int i = 0; i < _layers.Count; i++)
        {
            x = _layers[i].Module.call(x);
            x = afterLayer(i, x) ?? x;
        }
        return x.MoveToOuterDisposeScope();
    }

    public long ParameterCount() => parameters().Sum(p => p.numel());
}
