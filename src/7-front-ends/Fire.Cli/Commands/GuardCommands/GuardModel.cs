using Fire.Engines.Torch;
using Fire.Training;

namespace Fire.Cli.Commands.GuardCommands;

/// <summary>A deployed checkpoint (any classifier Fire saved, backdoored or not) as the guard commands use it.</summary>
internal sealed class GuardModel : IDisposable
{
    private GuardModel(LayeredNet net, CheckpointInfo info)
    {
        Info = info;
        Model = new TorchLayeredModel(net, ownsNet: true);
    }

    public CheckpointInfo Info { get; }
    public TorchLayeredModel Model { get; }

    public static GuardModel Load(string path)
    {
        var (net, info) = Checkpoint.Load(path);
        return new GuardModel(net, info);
    }

    /// <summary>"3 (stop)": a class as users read it.</summary>
    public string ClassName(int label) => label >= 0 && label < Info.ClassNames.Count ? $"{label} ({Info.ClassNames[label]})" : $"{label}";

    public void Dispose() => Model.Dispose();
}
