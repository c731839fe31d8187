using System.Text.Json;
using System.Text.Json.Serialization;
using Fire.Engines.Torch;
using TorchSharp;

namespace Fire.Training;

/// <summary>
/// A trained model on disk: weights in TorchSharp's <c>module.save</c> format at <c>path</c>, the
/// <see cref="CheckpointInfo"/> sidecar at <c>path.json</c>, and, while training can still resume, the training
/// state (optimizer states, any other network the training updates) at <c>path.optim</c>. The three files are saved
/// as one unit with one commit point (<see cref="AtomicFile.WriteAll"/>): a failed or killed save leaves the previous
/// checkpoint, or is completed by the next reader; never weights of one save beside the optimizer state of another.
/// Weights holding NaN or infinity are refused on saving and on loading.
/// </summary>
public static class Checkpoint
{
    public const string SidecarSuffix = ".json";
    public const string OptimizerSuffix = ".optim";


    public static string SidecarPath(string weightsPath) => weightsPath + SidecarSuffix;

    /// <summary>The weights path for what a user typed: the weights file or its sidecar.</summary>
    public static string WeightsPath(string path) =>
        path.EndsWith(SidecarSuffix, StringComparison.OrdinalIgnoreCase) && !File.Exists(path + SidecarSuffix)
            ? path[..^SidecarSuffix.Length]
            : path;

    /// <summary>
    /// Saves <paramref name="net"/> and <paramref name="info"/> at <paramref name="path"/>. With a
    /// <paramref name="training"/>, the checkpoint is also a training state: the training's state is saved beside it
    /// and the sidecar records its recipe, epochs done and time spent, so <c>fire train --resume</c> (or a
    /// <see cref="TrainingState"/>) can continue. Without one, a state left by earlier epochs is removed once the new sidecar is in place.
    /// </summary>
    public static void Save(LayeredNet net, CheckpointInfo info, string path, IResumableTraining? training = null)
    {
        path = Path.GetFullPath(WeightsPath(path));
        string optimizerPath = path + OptimizerSuffix;
        if (training is not null)
            info = info with
            {
                Recipe = training.Recipe, EpochsDone = training.EpochsDone, OptimizerState = Path.GetFileName(optimizerPath),
                TrainingSeconds = training.Elapsed.TotalSeconds,
            };
        else
            info = info with { OptimizerState = null, TrainingSeconds = null };
        info = info with { FireVersion = CheckpointInfo.CurrentFireVersion };
        string json = JsonSerializer.Serialize(info, FireJson.Options); // fails before any file is touched
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // One commit point for weights, training state and sidecar (AtomicFile's journal): a reader never sees a mix of two saves.
        AtomicFile.WriteAll([
            (path, Binary(writer => { CheckFinite(net, path); net.save(writer); })),
            (optimizerPath, training is null ? null : Binary(training.SaveState)),
            (SidecarPath(path), stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(json))),
        ]);
    }

    /// <summary>Whether <paramref name="path"/> holds a checkpoint (its sidecar beside it, or a TorchSharp weights file), for output checks.</summary>
    public static bool IsCheckpoint(string path)
    {
        path = Path.GetFullPath(WeightsPath(path));
        if (File.Exists(SidecarPath(path))) return true;
        try { WeightsFile.ReadEntries(path); return true; }
        catch (InvalidDataException) { return false; }
    }

    /// <summary>The files of the checkpoint at <paramref name="path"/>, in the order <see cref="Save"/> commits them.</summary>
    public static string[] Files(string path)
    {
        path = Path.GetFullPath(WeightsPath(path));
        return [path, path + OptimizerSuffix, SidecarPath(path)];
    }

    private static Action<Stream> Binary(Action<BinaryWriter> write) => stream =>
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        write(writer);
    };

    /// <summary>Refuses weights holding NaN or infinity: such a model predicts one class for everything, silently.</summary>
    private static void CheckFinite(LayeredNet net, string path)
    {
        foreach (var (name, tensor) in net.state_dict())
        {
            if (!tensor.is_floating_point()) continue;
            using var finite = torch.isfinite(tensor).all();
            if (!finite.item<bool>())
                throw new InvalidDataException($"Weights '{path}': '{name}' holds NaN or infinite values; the model is unusable. Retrain it (a lower --lr usually helps) or use an earlier checkpoint.");
        }
    }

    /// <summary>
    /// Reads the training state saved beside the checkpoint at <paramref name="checkpointPath"/> (described by its sidecar
    /// <paramref name="info"/>) with <paramref name="read"/>, for a training by <paramref name="recipe"/>, which must be the
    /// recipe the sidecar records; errors name the file and what is wrong.
    /// </summary>
    public static void ReadTrainingState(CheckpointInfo info, string checkpointPath, TrainRecipe recipe, Action<BinaryReader> read)
    {
        if (info.Recipe != recipe)
            throw new ArgumentException($"Checkpoint '{checkpointPath}' was trained with {info.Recipe?.ToString() ?? "no recorded recipe"}, not {recipe}.");
        if (info.OptimizerState is null)
            throw new InvalidDataException($"Checkpoint '{checkpointPath}' holds no optimizer state: it is a finished model, not a training state to resume.");
        string path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!, info.OptimizerState);
        if (!File.Exists(path)) throw new FileNotFoundException($"Optimizer state '{path}' named by checkpoint '{checkpointPath}' is missing.", path);
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            read(reader);
            if (reader.BaseStream.Position != reader.BaseStream.Length)
                throw new InvalidDataException($"{reader.BaseStream.Length - reader.BaseStream.Position} bytes are left over");
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException)
        {
            throw new InvalidDataException($"Optimizer state '{path}' does not fit this model and recipe: {e.Message}", e);
        }
    }

    /// <summary>
    /// Rebuilds the architecture named by the sidecar and loads the weights. <paramref name="path"/> may name the
    /// weights or the sidecar. Errors name the file and what is wrong with it.
    /// </summary>
    public static (LayeredNet Net, CheckpointInfo Info) Load(string path)
    {
        path = WeightsPath(path);
        var info = ReadInfo(path);
        var entries = WeightsFile.ReadEntries(path);
        LayeredNet net;
        try
        {
            net = ModelZoo.Create(info.Architecture, info.InputShape[0], info.InputShape[1], info.InputShape[2], info.ClassNames.Count, info.Normalization);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Sidecar '{SidecarPath(path)}' describes a model Fire cannot build: {e.Message}", e);
        }
        try
        {
            CheckFits(net, entries, path, info);
            net.load(path);
            CheckFinite(net, path);
            return (net, info);
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads the weights of the checkpoint at <paramref name="path"/> into <paramref name="net"/> (whose parameters stay the
    /// same tensors, so an optimizer built on them keeps working) and returns its sidecar. The checkpoint must describe
    /// the same architecture, image shape and classes as the net.
    /// </summary>
    public static CheckpointInfo LoadInto(LayeredNet net, string path)
    {
        path = WeightsPath(path);
        var info = ReadInfo(path);
        if (info.Architecture != net.Architecture || !info.InputShape.SequenceEqual(net.InputShape) || info.ClassNames.Count != net.ClassCount)
            throw new InvalidDataException(
                $"Checkpoint '{path}' holds {info.Architecture} for {string.Join("x", info.InputShape)} images in {info.ClassNames.Count} classes, " +
                $"not {net.Architecture} for {string.Join("x", net.InputShape)} in {net.ClassCount}.");
        CheckFits(net, WeightsFile.ReadEntries(path), path, info);
        net.load(path);
        CheckFinite(net, path);
        return info;
    }

    /// <summary>Reads and checks the sidecar of the checkpoint at <paramref name="path"/> (weights or sidecar path).</summary>
    public static CheckpointInfo ReadInfo(string path)
    {
        path = WeightsPath(path);
        if (Directory.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' is a folder: give the model's weights file (model.pt) or its sidecar (model.pt.json).", path);
        AtomicFile.Recover(Files(path)); // completes a save that a killed run had committed
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        string sidecar = SidecarPath(path);
        if (!File.Exists(sidecar))
            throw new FileNotFoundException($"Checkpoint '{path}' has no sidecar '{sidecar}': Fire needs it to know the architecture and data set.", sidecar);
        try
        {
            var info = JsonSerializer.Deserialize<CheckpointInfo>(InputFile.ReadAllText(sidecar), FireJson.Options)
                       ?? throw new InvalidDataException("it holds null");
            info.Validate();
            return info;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or NotSupportedException)
        {
            throw new InvalidDataException($"Sidecar '{sidecar}' is not a valid checkpoint description: {e.Message}", e);
        }
    }

    private static void CheckFits(LayeredNet net, IReadOnlyList<WeightsFile.Entry> entries, string path, CheckpointInfo info)
    {
        var expected = net.state_dict();
        var problems = new List<string>();
        foreach (var entry in entries)
        {
            if (!expected.TryGetValue(entry.Name, out var tensor))
                problems.Add($"'{entry.Name}' is in the file but not in the model");
            else if (!entry.Shape.SequenceEqual(tensor.shape) || entry.DType != tensor.dtype)
                problems.Add($"'{entry.Name}' is {entry.DType}[{string.Join(", ", entry.Shape)}] in the file, {tensor.dtype}[{string.Join(", ", tensor.shape)}] in the model");
        }
        var inFile = entries.Select(e => e.Name).ToHashSet();
        problems.AddRange(expected.Keys.Where(k => !inFile.Contains(k)).Select(k => $"'{k}' is missing from the file"));
        if (problems.Count > 0)
            throw new InvalidDataException(
                $"Weights '{path}' do not fit {info.Architecture} for {string.Join("x", info.InputShape)} images and {info.ClassNames.Count} classes " +
                $"as its sidecar describes it: {string.Join("; ", problems.Take(3))}{(problems.Count > 3 ? $"; and {problems.Count - 3} more" : "")}.");
    }
}
