using System.Collections;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Razorvine.Pickle;
using Razorvine.Pickle.Objects;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Fire.Engines.Torch.Interop;

/// <summary>
/// Reads PyTorch weights with TorchSharp.PyBridge: a zip-format <c>torch.save</c> file holding a state dict or a
/// BackdoorBench record (a dict whose <c>model</c> entry is the state dict; its other entries are kept as
/// <see cref="PyTorchWeights.Record"/>; numpy values in them are not read, see <see cref="OpaquePickles"/>), or a safetensors file. The kind is told by the file's first bytes, not its name.
/// Every error names the file and says what it holds instead; floating-point weights must be finite.
/// </summary>
public static class PyTorchFileReader
{
    /// <summary>BackdoorBench's key for the state dict in <c>attack_result.pt</c>.</summary>
    public const string RecordModelKey = "model";

    public static PyTorchWeights Read(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file '{path}' does not exist.", path);
        using var scope = NewDisposeScope(); // frees every tensor of the file that is not kept
        var (kind, tensors, record) = IsZip(path) ? ReadPickle(path) : ReadSafetensors(path);
        if (tensors.Count == 0) throw new InvalidDataException($"'{path}' holds an empty state dict: there are no weights to load.");
        foreach (var (name, tensor) in tensors)
        {
            if (tensor.is_floating_point() && !isfinite(tensor).all().item<bool>())
                throw new InvalidDataException($"'{path}': tensor '{name}' holds NaN or infinite values; the weights are broken.");
            tensor.DetachFromDisposeScope();
        }
        return new PyTorchWeights(path, kind, tensors, record);
    }

    private static bool IsZip(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        return stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 && head.SequenceEqual("PK\u0003\u0004"u8);
    }

    private static (PyTorchFileKind, Dictionary<string, Tensor>, JsonObject) ReadPickle(string path)
    {
        object top;
        OpaquePickles.Register();
        try
        {
            using var stream = File.OpenRead(path);
            top = PyTorchUnpickler.UnpickleStateDict(stream);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"'{path}' is not a complete PyTorch zip file (truncated or damaged?): {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidCastException)
        {
            throw new InvalidDataException($"'{path}' is a PyTorch file whose pickle is not a dict, so neither a state dict nor a BackdoorBench record.", e);
        }
        catch (Exception e) when (e is PickleException or NotImplementedException or InvalidOperationException or KeyNotFoundException)
        {
            throw new InvalidDataException(
                $"'{path}' could not be read as a PyTorch state dict: {e.Message} Fire reads files written by torch.save(model.state_dict(), path), " +
                "safetensors files and BackdoorBench records; save just the state dict in PyTorch and import that.", e);
        }
        var dict = (Hashtable)top;
        if (dict.Count > 0 && dict.Values.Cast<object?>().All(v => v is Tensor))
            return (PyTorchFileKind.StateDict, Tensors(dict), new JsonObject());
        if (dict[RecordModelKey] is Hashtable model && model.Count > 0 && model.Values.Cast<object?>().All(v => v is Tensor))
        {
            var record = new JsonObject();
            foreach (DictionaryEntry entry in dict)
                if (!Equals(entry.Key, RecordModelKey)) record[entry.Key.ToString()!] = Describe(entry.Value);
            return (PyTorchFileKind.BackdoorBenchRecord, Tensors(model), record);
        }
        string holds = string.Join(", ", dict.Cast<DictionaryEntry>().Select(e => $"'{e.Key}' ({Describe(e.Value)?.ToJsonString() ?? "None"})"));
        throw new InvalidDataException(
            $"'{path}' holds a pickled dict that is neither a state dict (names to tensors) nor a BackdoorBench record " +
            $"(a '{RecordModelKey}' entry holding the state dict). It holds: {(holds.Length == 0 ? "nothing" : holds)}.");
    }

    private static Dictionary<string, Tensor> Tensors(Hashtable dict) =>
        dict.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => (Tensor)e.Value!);

    /// <summary>A pickled value as JSON: plain values as they are, anything else as a short description.</summary>
    private static JsonNode? Describe(object? value) => value switch
    {
        null => null,
        int i => JsonValue.Create((long)i), // one integer type, so that readers ask for long
        string or bool or long or double => JsonValue.Create(value),
        Tensor t => JsonValue.Create($"tensor {t.dtype} [{string.Join(", ", t.shape)}]"),
        object[] or ArrayList when ((IList)value).Count <= 16 => new JsonArray(((IList)value).Cast<object?>().Select(Describe).ToArray()),
        IList list => JsonValue.Create($"a sequence of {list.Count} items"),
        ClassDict c => JsonValue.Create($"a {c.ClassName} object"),
        OpaquePickles.Placeholder p => JsonValue.Create($"a {p.Kind}"),
        IDictionary d => JsonValue.Create($"a dict of {d.Count} entries"),
        _ => JsonValue.Create($"a {value.GetType().Name}"),
    };

    private static (PyTorchFileKind, Dictionary<string, Tensor>, JsonObject) ReadSafetensors(string path)
    {
        var header = SafetensorsHeader.Read(path);
        try
        {
            using var stream = File.OpenRead(path);
            var tensors = Safetensors.LoadStateDict(stream);
            var record = new JsonObject();
            if (header.Metadata is not null) record[SafetensorsHeader.MetadataKey] = header.Metadata;
            return (PyTorchFileKind.Safetensors, tensors, record);
        }
        catch (Exception e) when (e is NotImplementedException or IOException or EndOfStreamException or ArgumentException)
        {
            throw new InvalidDataException($"'{path}' could not be read as a safetensors file: {e.Message}", e);
        }
    }
}
