using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Fire.Engines.Torch.Interop;

/// <summary>The kinds of file <see cref="PyTorchFile.Read"/> takes.</summary>
public enum PyTorchFileKind
{
    /// <summary><c>torch.save(model.state_dict())</c>: PyTorch's zip format holding a pickled dict of tensors.</summary>
    StateDict,
    /// <summary>A safetensors file: a JSON header, then the raw tensors.</summary>
    Safetensors,
    /// <summary>BackdoorBench's <c>attack_result.pt</c>: a pickled dict whose <c>model</c> entry is the state dict.</summary>
    BackdoorBenchRecord,
}

/// <summary>
/// The tensors of a PyTorch file under the names the file gives them, and what else the file says about the model.
/// Owns the tensors: disposing it frees them.
/// </summary>
public sealed class PyTorchWeights : IDisposable
{
    internal PyTorchWeights(string path, PyTorchFileKind kind, IReadOnlyDictionary<string, Tensor> tensors, JsonObject record)
    {
        Path = path;
        Kind = kind;
        Tensors = tensors;
        Record = record;
    }

    /// <summary>Full path of the file read.</summary>
    public string Path { get; }
    public PyTorchFileKind Kind { get; }
    /// <summary>The state dict: name to tensor, on the CPU.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }
    /// <summary>
    /// The file's other entries as JSON (a BackdoorBench record's model_name, num_classes, clean_data, img_size, ...; a
    /// safetensors file's <c>__metadata__</c>). A value JSON cannot hold is replaced by a short description of it.
    /// </summary>
    public JsonObject Record { get; }

    /// <summary>A record's entry as a string (e.g. BackdoorBench's <c>clean_data</c>, the data set's name), or null.</summary>
    public string? RecordString(string key) =>
        Record.TryGetPropertyValue(key, out var node) && node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>A record's entry as an integer (e.g. BackdoorBench's <c>num_classes</c>), or null.</summary>
    public long? RecordInteger(string key) =>
        Record.TryGetPropertyValue(key, out var node) && node is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;

    public string KindDescription => Kind switch
    {
        PyTorchFileKind.StateDict => "PyTorch state dict",
        PyTorchFileKind.Safetensors => "safetensors file",
        _ => "BackdoorBench record",
    };

    public void Dispose()
    {
        foreach (var tensor in Tensors.Values) tensor.Dispose();
    }
}
