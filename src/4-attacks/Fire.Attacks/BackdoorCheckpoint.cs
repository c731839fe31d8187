using Fire.Attacks.Specs;
using Fire.Engines.Torch;
using Fire.Training;

namespace Fire.Attacks;

/// <summary>
/// A backdoored model as saved by <c>fire attack</c>: the network, its sidecar, and the attack rebuilt from the
/// specification in the sidecar, so its trigger can be applied to any batch exactly as in training.
/// </summary>
public sealed class BackdoorCheckpoint : IDisposable
{
    private BackdoorCheckpoint(LayeredNet net, CheckpointInfo info, BackdoorAttack attack)
    {
        Net = net;
        Info = info;
        Attack = attack;
    }

    public LayeredNet Net { get; }
    public CheckpointInfo Info { get; }
    public BackdoorAttack Attack { get; }
    public AttackSpec Spec => Attack.Spec;
    /// <summary>The test-time trigger.</summary>
    public ITrigger Trigger => Attack.Trigger;
    public int Target => Spec.Target;

    /// <summary>Loads a checkpoint (weights or sidecar path) whose sidecar holds an attack specification.</summary>
    public static BackdoorCheckpoint Load(string checkpointPath)
    {
        var (net, info) = Checkpoint.Load(checkpointPath);
        try
        {
            return new BackdoorCheckpoint(net, info, LoadAttack(info, checkpointPath));
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    /// <summary>The attack recorded in a checkpoint's sidecar; an error if it records none.</summary>
    public static BackdoorAttack LoadAttack(CheckpointInfo info, string checkpointPath)
    {
        string weights = Path.GetFullPath(Checkpoint.WeightsPath(checkpointPath));
        if (info.Attack is null)
            throw new InvalidDataException($"Checkpoint '{weights}' records no attack: it was not trained by `fire attack`.");
        var spec = AttackSpec.FromJson(info.Attack, $"the sidecar of '{weights}'");
        var attack = AttackCatalog.FromSpec(spec, Path.GetDirectoryName(weights)!);
        if (!spec.ImageShape.SequenceEqual(info.InputShape))
            throw new InvalidDataException($"Checkpoint '{weights}' is for {string.Join("x", info.InputShape)} images but its attack for {spec.Shape}.");
        return attack;
    }

    /// <summary>
    /// Saves a backdoored model: the attack's own files first (IAD's networks, hashed into the specification), then
    /// the weights and a sidecar holding the specification and the figures.
    /// </summary>
    public static CheckpointInfo Save(LayeredNet net, CheckpointInfo info, BackdoorAttack attack, AttackMetrics metrics, string path)
    {
        attack.SaveFiles(path);
        var figures = new Dictionary<string, double>(info.Metrics);
        foreach (var (key, value) in metrics.ToDictionary()) figures[key] = value;
        var saved = info with { Attack = attack.Spec.ToJson(), Metrics = figures };
        Checkpoint.Save(net, saved, path);
        return saved;
    }

    public void Dispose() => Net.Dispose();
}
