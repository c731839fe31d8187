using Fire.Attacks;
using Fire.Attacks.Kinds;
using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Training;

namespace Fire.Evaluation.Benchmark;

/// <summary>
/// Backdoored models of a benchmark, trained once and reused: <c>&lt;folder&gt;/&lt;key&gt;.pt</c> (with its sidecar),
/// where the key hashes everything that determines the model: data set, architecture, the attack's full specification
/// (trigger, target, rate, seed) and the training recipe (which holds the seed).
/// </summary>
public sealed class ModelCache(string folder)
{
    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>A readable, content-addressed key, e.g. <c>mnist-small-cnn-badnets-3f2a...</c>.</summary>
    public static string Key(string dataset, string architecture, AttackSpec attack, TrainRecipe recipe) =>
        $"{Safe(dataset)}-{Safe(architecture)}-{Safe(attack.Attack)}-{ContentHash.Of(dataset, architecture, attack, recipe)}";

    public string PathFor(string key) => Path.Combine(Folder, key + ".pt");

    /// <summary>
    /// The cached model for this key, or a newly trained one (then saved under the key). A cached file that cannot be
    /// read is an error naming it: delete it to retrain.
    /// </summary>
    public (BackdoorCheckpoint Model, string Key) GetOrTrain(string dataset, DataSplit split, string architecture, BackdoorAttack attack, TrainRecipe recipe,
        AttackTrainingHooks? hooks, Action<string>? status = null)
    {
        string key = Key(dataset, architecture, attack.Spec, recipe);
        string path = PathFor(key);
        if (File.Exists(path) && File.Exists(Checkpoint.SidecarPath(path)))
        {
            status?.Invoke($"reusing model {key}");
            return (Load(path), key);
        }
        status?.Invoke($"training model {key}");
        var run = BackdoorTraining.Run(dataset, split, architecture, attack, recipe, path, hooks);
        run.Net.Dispose(); // reloaded below so that a new model and a cached one are rebuilt alike
        return (Load(path), key);
    }

    private static BackdoorCheckpoint Load(string path)
    {
        try
        {
            return BackdoorCheckpoint.Load(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new InvalidDataException($"Cached model '{path}' cannot be read ({e.Message}); delete it to retrain.", e);
        }
    }

    private static string Safe(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? char.ToLowerInvariant(c) : '_').ToArray());
}
