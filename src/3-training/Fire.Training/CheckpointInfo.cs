using System.Reflection;
using System.Text.Json.Nodes;
using Fire.Data;
using Fire.Engines.Torch;

namespace Fire.Training;

/// <summary>
/// The JSON sidecar of a checkpoint (<c>&lt;weights&gt;.json</c>): what is needed to rebuild the network and what
/// it is. <see cref="Attack"/> holds the full specification of a backdoor the model was trained with (filled by
/// Fire.Attacks); <see cref="Extra"/> is free for anything else. <see cref="OptimizerState"/> names the optimizer
/// state file beside the weights while the checkpoint is a resumable training state, and is null once training ended;
/// <see cref="TrainingSeconds"/> is then the time spent on the epochs done.
/// </summary>
public sealed record CheckpointInfo
{
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;
    public required string Architecture { get; init; }
    /// <summary>Where the data set is loaded from again: a known name ("cifar10") or a folder's full path (<see cref="Datasets.Reference"/>).</summary>
    public required string Dataset { get; init; }
    /// <summary>(C, H, W) of one input image.</summary>
    public required int[] InputShape { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }
    public required Normalization Normalization { get; init; }
    public TrainRecipe? Recipe { get; init; }
    public int EpochsDone { get; init; }
    public Dictionary<string, double> Metrics { get; init; } = new();
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public string FireVersion { get; init; } = CurrentFireVersion;
    public string? OptimizerState { get; init; }
    public double? TrainingSeconds { get; init; }
    public JsonObject? Attack { get; init; }
    public JsonObject? Extra { get; init; }

    /// <summary>A sidecar for <paramref name="net"/> trained on <paramref name="data"/> (its set name, e.g. "cifar10").</summary>
    public static CheckpointInfo For(LayeredNet net, string dataset, ImageDataset data, Normalization normalization, TrainRecipe? recipe = null) => new()
    {
        Architecture = net.Architecture,
        Dataset = dataset,
        InputShape = (int[])net.InputShape.Clone(),
        ClassNames = data.ClassNames.ToArray(),
        Normalization = normalization,
        Recipe = recipe,
    };

    public static string CurrentFireVersion { get; } =
        typeof(CheckpointInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Throws unless <paramref name="data"/> has the image shape and classes this checkpoint was trained for.</summary>
    public void CheckData(ImageDataset data, string checkpointPath)
    {
        if (!InputShape.SequenceEqual(new[] { data.Channels, data.Height, data.Width }) || !ClassNames.SequenceEqual(data.ClassNames))
            throw new InvalidDataException(
                $"Checkpoint '{checkpointPath}' expects {string.Join("x", InputShape)} images in {ClassNames.Count} classes ({Dataset}: {string.Join(", ", ClassNames.Take(5))}{(ClassNames.Count > 5 ? ", ..." : "")}); " +
                $"data set '{data.Name}' has {data.Channels}x{data.Height}x{data.Width} images in {data.ClassCount} classes ({string.Join(", ", data.ClassNames.Take(5))}{(data.ClassCount > 5 ? ", ..." : "")}).");
    }

    /// <summary>Checks what the JSON format cannot: shapes and counts that must agree.</summary>
    internal void Validate()
    {
        if (Format != CurrentFormat) throw new InvalidDataException($"format {Format} is not the supported format {CurrentFormat}");
        if (InputShape is not { Length: 3 } || InputShape.Any(d => d <= 0))
            throw new InvalidDataException($"inputShape must be three positive numbers (C, H, W), got [{string.Join(", ", InputShape ?? [])}]");
        if (ClassNames.Count < 2) throw new InvalidDataException($"a classifier needs at least 2 class names, got {ClassNames.Count}");
        if (Normalization.Mean?.Length != InputShape[0] || Normalization.Std?.Length != InputShape[0])
            throw new InvalidDataException($"normalization needs {InputShape[0]} means and standard deviations, one per channel");
    }
}
