using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Fire.Engines.Torch.Interop;

/// <summary>The formats <see cref="PyTorchFileWriter"/> writes.</summary>
public enum PyTorchExportFormat
{
    /// <summary>PyTorch's zip format, read by <c>torch.load</c>.</summary>
    Pt,
    /// <summary>safetensors, read by <c>safetensors.torch.load_file</c>.</summary>
    Safetensors,
}

/// <summary>
/// Writes a zoo net's weights as a PyTorch state dict under its published names (<see cref="PublishedLayout"/>), with
/// TorchSharp.PyBridge, in one atomic step: PyTorch code of the same layout loads it with <c>load_state_dict</c>
/// (normalising its inputs itself with the mean and std the checkpoint records).
/// </summary>
public static class PyTorchFileWriter
{
    /// <summary>The format a file name asks for: <c>.safetensors</c> is safetensors, anything else PyTorch's zip format.</summary>
    public static PyTorchExportFormat FormatFor(string path) =>
        path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? PyTorchExportFormat.Safetensors : PyTorchExportFormat.Pt;

    public static void Write(LayeredNet net, string path, PyTorchExportFormat format)
    {
        var tensors = PublishedStateDict.Export(net);
        try
        {
            AtomicFile.Write(path, stream =>
            {
                if (format == PyTorchExportFormat.Safetensors) Safetensors.SaveStateDict(stream, tensors, leaveOpen: true);
                else PyTorchPickler.PickleStateDict(stream, tensors, leaveOpen: true);
            });
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
    }
}
