using Fire.Attacks;
using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Training;

namespace Fire.Evaluation.Benchmark;

/// <summary>
/// Trained models, trained once and reused by every command (<c>fire attack report</c>, <c>fire defend-report</c>,
/// <c>fire bench</c>): <c>&lt;folder&gt;/&lt;key&gt;.pt</c> (with its sidecar), where the key hashes everything that
/// determines the model: data set, architecture, the training recipe (which holds the seed) and, for a backdoored
/// model, the attack's full specification (trigger, target, rate, seed). A training saves itself after every epoch
/// beside its model's path (<see cref="TrainingState"/>), so a command stopped mid-training continues that model from its
/// last finished epoch when run again.
/// </summary>
public sealed class ModelCache(string folder)
{
    /// <summary>The folder every command uses unless told otherwise.</summary>
    public static readonly string DefaultFolder = Path.Combine("runs", "models");

    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>
    /// A readable, content-addressed key, e.g. <c>mnist-small-cnn-badnets-3f2a...</c>; <paramref name="dataset"/> is
    /// the <see cref="Datasets.Reference"/>, of which a folder's path shows only its last part, the hash all of it.
    /// </summary>
    public static string Key(string dataset, string architecture, AttackSpec attack, TrainRecipe recipe) =>
        $"{Readable(dataset)}-{Safe(architecture)}-{Safe(attack.Attack)}-{ContentHash.Of(dataset, architecture, attack, recipe)}";

    /// <summary>The key of a clean model trained by <paramref name="recipe"/>, e.g. <c>cifar10-small-cnn-clean-9c1e...</c>.</summary>
    public static string CleanKey(string dataset, string architecture, TrainRecipe recipe) =>
        $"{Readable(dataset)}-{Safe(architecture)}-clean-{ContentHash.Of(dataset, architecture, recipe)}";

    public string PathFor(string key) => Path.Combine(Folder, key + ".pt");

    /// <summary>The cached backdoored model for this key, or null when it was never trained (or its sidecar is missing).</summary>
    public BackdoorCheckpoint? TryLoad(string key)
    {
        string path = PathFor(key);
        return IsComplete(path) ? Load(path) : null;
    }

    /// <summary>Whether a checkpoint and its sidecar are both on disk (both are written atomically, the sidecar last).</summary>
    public static bool IsComplete(string path) => File.Exists(path) && File.Exists(Checkpoint.SidecarPath(path));

    /// <summary>
    /// The cached model for this key, or a newly trained one (then saved under the key). A cached file that cannot be
    /// read is an error naming it: delete it to retrain.
    /// </summary>
    public (BackdoorCheckpoint Model, string Key) GetOrTrain(string dataset, DataSplit split, string architecture, BackdoorAttack attack, TrainRecipe recipe,
        AttackTrainingHooks? hooks, Action<string>? status = null)
    {
        string key = Key(dataset, architecture, attack.Spec, recipe);
        if (TryLoad(key) is { } cached)
        {
            status?.Invoke($"reusing model {key}");
            return (cached, key);
        }
        status?.Invoke($"training model {key}");
        var run = BackdoorTraining.Run(dataset, split, architecture, attack, recipe, PathFor(key), hooks);
        run.Net.Dispose(); // reloaded below so that a new model and a cached one are rebuilt alike
        return (Load(PathFor(key)), key);
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

    private static string Readable(string dataset) => Safe(Path.GetFileName(Path.TrimEndingDirectorySeparator(dataset)));

    private static string Safe(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? char.ToLowerInvariant(c) : '_').ToArray());
}
