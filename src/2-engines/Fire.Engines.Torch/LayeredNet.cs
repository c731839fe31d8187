using Fire.Data;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Fire.Engines.Torch;

/// <summary>
/// A TorchSharp classifier built as a chain of named layers (stages). It takes images in [0, 1] and
/// normalises them itself, so checkpoints, triggers and input-space defenses all work in image space.
/// The activation between two stages is what Fire reads and repairs.
/// </summary>
/// <remarks>
/// Every method that returns a tensor returns one owned by the caller's dispose scope (or by no scope when
/// the caller has none); intermediate tensors are disposed. Eval-mode inference under <c>no_grad</c> may run on
/// several threads at once: the net keeps no per-call state.
/// </remarks>
public abstract class LayeredNet : nn.Module<Tensor, Tensor>
{
    private readonly List<(string Name, nn.Module<Tensor, Tensor> Module)> _layers = new();
    private readonly List<string> _layerNames = new();
    private readonly Lazy<IReadOnlyList<LayerInfo>> _description;

    /// <summary>State-dict names of the normalisation buffers: Fire's own, absent from models that normalise outside.</summary>
    public const string MeanBuffer = "input_mean", StdBuffer = "input_std";

    // Named like the registered buffers so that Module.to(device/dtype) updates these fields too.
    [ComponentName(Name = MeanBuffer)] private readonly Tensor _mean;
    [ComponentName(Name = StdBuffer)] private readonly Tensor _std;

    protected LayeredNet(string architecture, int channels, int height, int width, int classCount, Normalization normalization)
        : base(architecture)
    {
        TorchBackends.Configure(); // before any net runs: single images would make libtorch log NNPACK warnings
        if (channels < 1 || height < 1 || width < 1)
            throw new ArgumentException($"{architecture}: images of {channels}x{height}x{width} (channels x height x width) are not possible.");
        if (classCount < 2) throw new ArgumentException($"{architecture}: a classifier needs at least 2 classes, got {classCount}.");
        if (normalization.Mean.Length != channels || normalization.Std.Length != channels)
            throw new ArgumentException($"{architecture}: normalisation has {normalization.Mean.Length} means and {normalization.Std.Length} standard deviations for {channels} input channels.");
        if (normalization.Std.Any(s => !(s > 0)))
            throw new ArgumentException($"{architecture}: normalisation standard deviations must be positive, got [{string.Join(", ", normalization.Std)}].");
        Architecture = architecture;
        InputShape = new[] { channels, height, width };
        ClassCount = classCount;
        // Detached: a net built inside a dispose scope must outlive it, like its parameters.
        _mean = TensorConversion.ToTensor(normalization.Mean, new long[] { 1, channels, 1, 1 }).DetachFromDisposeScope();
        _std = TensorConversion.ToTensor(normalization.Std, new long[] { 1, channels, 1, 1 }).DetachFromDisposeScope();
        register_buffer(MeanBuffer, _mean);
        register_buffer(StdBuffer, _std);
        _description = new Lazy<IReadOnlyList<LayerInfo>>(ComputeDescription);
    }

    public string Architecture { get; }
    /// <summary>(C, H, W) of one input image.</summary>
    public int[] InputShape { get; }
    public int ClassCount { get; }
    /// <summary>Layer names in execution order; the last layer produces the logits.</summary>
    public IReadOnlyList<string> LayerNames => _layerNames;

    /// <summary>Appends a named stage. Names are unique and contain no dots (PyTorch module naming).</summary>
    protected void AddLayer(string name, nn.Module<Tensor, Tensor> module)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"Layer name '{name}' must be non-empty and contain no dots.");
        if (_layerNames.Contains(name)) throw new ArgumentException($"Layer name '{name}' is used twice.");
        register_module(name, module);
        _layers.Add((name, module));
        _layerNames.Add(name);
    }

    /// <summary>Index of a named layer; an unknown name gets an error listing the known ones.</summary>
    public int LayerIndex(string name)
    {
        int index = _layerNames.IndexOf(name);
        if (index < 0)
            throw new ArgumentException($"Unknown layer '{name}' in {Architecture}. Layers: {string.Join(", ", _layerNames)}.");
        return index;
    }

    /// <summary>
    /// Every layer with the shape of its activation (one sample) for <see cref="InputShape"/>. Computed once, by a
    /// pass in eval mode without gradients (so batch-norm statistics are not touched); the modes are restored.
    /// </summary>
    public IReadOnlyList<LayerInfo> DescribeLayers() =>
        _description.Value.Select(l => l with { ActivationShape = (int[])l.ActivationShape.Clone() }).ToList();

    /// <summary>Parameters per layer, in layer order; they add up to <see cref="ParameterCount"/>.</summary>
    public IReadOnlyList<(string Name, long Parameters)> LayerParameterCounts() =>
        _layers.Select(l => (l.Name, l.Module.parameters().Sum(p => p.numel()))).ToList();

    public long ParameterCount() => parameters().Sum(p => p.numel());

    /// <summary>(images - mean) / std: tensor by tensor, so no temporary Scalar on this every-forward-pass path (see <see cref="HeldScalars"/>).</summary>
    public Tensor Normalize(Tensor images) => (images - _mean) / _std;

    public override Tensor forward(Tensor images)
    {
        CheckImages(images);
        using var scope = NewDisposeScope();
        return RunLayers(Normalize(images), 0, _layers.Count).MoveToOuterDisposeScope();
    }

    /// <summary>Runs layers [from, to) on <paramref name="x"/>; intermediate tensors are disposed.</summary>
    public Tensor RunLayers(Tensor x, int from, int to)
    {
        if (from < 0 || to > _layers.Count || from > to)
            throw new ArgumentOutOfRangeException(nameof(from), $"Layer range [{from}, {to}) is not within the {_layers.Count} layers of {Architecture}.");
        using var scope = NewDisposeScope();
        for (int i = from; i < to; i++) x = _layers[i].Module.call(x);
        return ToCallerScope(scope, x);
    }

    /// <summary>The activation of <paramref name="layer"/> (the output of that stage).</summary>
    public Tensor Head(Tensor images, string layer)
    {
        int index = LayerIndex(layer);
        CheckImages(images);
        using var scope = NewDisposeScope();
        return RunLayers(Normalize(images), 0, index + 1).MoveToOuterDisposeScope();
    }

    /// <summary>The logits the layers after <paramref name="layer"/> produce from its activation.</summary>
    public Tensor Tail(Tensor activation, string layer)
    {
        int index = LayerIndex(layer);
        var expected = _description.Value[index].ActivationShape;
        if (activation.dim() != expected.Length + 1 || !activation.shape.Skip(1).SequenceEqual(expected.Select(d => (long)d)))
            throw new ArgumentException($"The tail of {Architecture} after layer '{layer}' takes activations of shape (N, {string.Join(", ", expected)}); got [{string.Join(", ", activation.shape)}].");
        return RunLayers(activation, index + 1, _layers.Count);
    }

    /// <summary>
    /// A forward pass that calls <paramref name="afterLayer"/> with each layer's index and output; a non-null
    /// return replaces the output for the rest of the network and must have the same shape and type. The tensor
    /// passed to the callback is disposed with the pass: to keep it, store <c>x.clone().MoveToOuterDisposeScope()</c>
    /// (it then belongs to the caller's scope).
    /// </summary>
    public Tensor Forward(Tensor images, Func<int, Tensor, Tensor?> afterLayer)
    {
        CheckImages(images);
        using var scope = NewDisposeScope();
        var x = Normalize(images);
        for (int i = 0; i < _layers.Count; i++)
        {
            x = _layers[i].Module.call(x);
            var replacement = afterLayer(i, x);
            if (replacement is null) continue;
            if (!replacement.shape.SequenceEqual(x.shape) || replacement.dtype != x.dtype)
                throw new ArgumentException($"The replacement for layer '{_layerNames[i]}' of {Architecture} is {replacement.dtype} [{string.Join(", ", replacement.shape)}]; the layer produces {x.dtype} [{string.Join(", ", x.shape)}].");
            x = replacement;
        }
        return ToCallerScope(scope, x);
    }

    /// <summary>Throws unless <paramref name="images"/> is a float batch of shape (N, C, H, W) = (N, <see cref="InputShape"/>).</summary>
    public void CheckImages(Tensor images)
    {
        if (images.dim() != 4 || !images.shape.Skip(1).SequenceEqual(InputShape.Select(d => (long)d)))
            throw new ArgumentException($"{Architecture} takes images of shape (N, {string.Join(", ", InputShape)}); got [{string.Join(", ", images.shape)}].");
        if (images.dtype != _mean.dtype)
            throw new ArgumentException($"{Architecture} takes {_mean.dtype} images; got {images.dtype}.");
    }

    /// <summary>
    /// Hands <paramref name="x"/> to the caller's scope. A tensor this pass did not create (the input of an empty
    /// layer range, or a replacement the caller owns) is returned as a new alias, so the caller's own tensor keeps
    /// its owner and the result can be disposed like any other.
    /// </summary>
    private static Tensor ToCallerScope(DisposeScope scope, Tensor x) =>
        (scope.Contains(x) ? x : x.alias()).MoveToOuterDisposeScope();

    private IReadOnlyList<LayerInfo> ComputeDescription()
    {
        // Ancestors come before their descendants here, so restoring in this order restores every module's own mode.
        var modes = modules().Prepend(this).Select(m => (Module: m, m.training)).ToList();
        eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var infos = new List<LayerInfo>();
            Forward(zeros(1, InputShape[0], InputShape[1], InputShape[2]), (i, x) =>
            {
                infos.Add(new LayerInfo(_layerNames[i], x.shape.Skip(1).Select(d => (int)d).ToArray()));
                return null;
            });
            return infos;
        }
        finally
        {
            foreach (var (module, training) in modes) module.train(training);
        }
    }
}
