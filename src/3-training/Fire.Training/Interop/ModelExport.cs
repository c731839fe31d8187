using Fire.Engines.Torch.Interop;

namespace Fire.Training.Interop;

/// <summary>Hands a Fire checkpoint to PyTorch: its weights as a state dict under the architecture's published names.</summary>
public static class ModelExport
{
    /// <summary>Writes the checkpoint at <paramref name="checkpointPath"/> to <paramref name="outPath"/>; returns its sidecar (for the normalisation to apply in PyTorch).</summary>
    public static CheckpointInfo Export(string checkpointPath, string outPath, PyTorchExportFormat format)
    {
        string output = Path.GetFullPath(outPath);
        string weights = Path.GetFullPath(Checkpoint.WeightsPath(checkpointPath));
        if (output == weights || output == Checkpoint.SidecarPath(weights) || output == weights + Checkpoint.OptimizerSuffix)
            throw new ArgumentException($"--out '{outPath}' would overwrite the checkpoint '{weights}' being exported: choose another path.");
        var (net, info) = Checkpoint.Load(checkpointPath);
        using (net) PyTorchFileWriter.Write(net, output, format);
        return info;
    }
}
