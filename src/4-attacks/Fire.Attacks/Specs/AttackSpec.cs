using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Fire.Training;

namespace Fire.Attacks.Specs;

/// <summary>
/// Everything needed to rebuild an attack's trigger exactly: the attack, its all-to-one target, poisoning rate,
/// clean-label flag and seed, the image shape, every parameter with trigger pictures embedded as base64 PNG (or
/// raw floats, e.g. WaNet's noise field), and, for attacks whose trigger is a network (IAD), the weights file
/// beside the checkpoint with its SHA-256. Stored as <see cref="CheckpointInfo.Attack"/> in a checkpoint's sidecar.
/// </summary>
public sealed record AttackSpec
{
    public required string Attack { get; init; }
    public int Target { get; init; }
    /// <summary>Share of the training set poisoned (BackdoorBench's pratio: poisoned / all training images).</summary>
    public double Rate { get; init; }
    /// <summary>Poisoned images come from the target class and keep their labels.</summary>
    public bool CleanLabel { get; init; }
    public int Seed { get; init; }
    /// <summary>
    /// Attacks that poison batches on the fly (WaNet, IAD): draw the poisoned and label-keeping samples afresh in every
    /// epoch, as BackdoorBench's per-batch poisoning does, instead of one fixed seeded set. Left out of the JSON when
    /// false, so the specifications (and model-cache keys) of fixed-set attacks read as before.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool RedrawEachEpoch { get; init; }
    /// <summary>(C, H, W) of the images the trigger is built for.</summary>
    public required int[] ImageShape { get; init; }
    /// <summary>The attack's own parameters, one JSON object per attack kind.</summary>
    public required JsonObject Parameters { get; init; }
    /// <summary>A file beside the checkpoint that the trigger needs (IAD's generator and mask network).</summary>
    public AttachedFile? Weights { get; init; }
    /// <summary>What poisoning the training set did; absent before training.</summary>
    public PoisoningSummary? Poisoning { get; init; }

    [JsonIgnore]
    public ImageShape Shape => global::Fire.Attacks.ImageShape.FromArray(ImageShape);

    /// <summary>
    /// The attack's parameters as given or defaulted, "k 4, s 0.5, ...": the specification's own values, so a line never
    /// shows a default the user overrode. Long values (trigger pictures, noise fields) are left out.
    /// </summary>
    public string ParameterSummary() => string.Join(", ", Parameters
        .Where(p => p.Value is JsonValue value && !(value.TryGetValue(out string? text) && text.Length > 40))
        .Select(p => $"{p.Key} {p.Value!.ToJsonString().Trim('"')}"));

    /// <summary>The attack's parameters as their typed record.</summary>
    public T Read<T>() where T : class
    {
        try
        {
            return Parameters.Deserialize<T>(FireJson.Options)
                   ?? throw new InvalidDataException("they are null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The {Attack} attack's parameters are not valid: {e.Message}", e);
        }
    }

    public static JsonObject ToParameters<T>(T parameters) => JsonSerializer.SerializeToNode(parameters, FireJson.Options)!.AsObject();

    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, FireJson.Options)!.AsObject();

    public string ToJsonString() => JsonSerializer.Serialize(this, FireJson.Options);

    public static AttackSpec FromJson(JsonNode json, string source)
    {
        try
        {
            var spec = json.Deserialize<AttackSpec>(FireJson.Options) ?? throw new InvalidDataException("it is null");
            _ = spec.Shape;
            return spec;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or ArgumentException)
        {
            throw new InvalidDataException($"The attack specification in {source} is not valid: {e.Message}", e);
        }
    }
}

/// <summary>A file that travels with a checkpoint, named relative to the checkpoint's folder, with its SHA-256 (hex).</summary>
public sealed record AttachedFile(string Path, string Sha256);

/// <summary>
/// What poisoning did: of <see cref="TrainingImages"/> images, <see cref="Requested"/> = round(rate * N) were to be
/// poisoned and <see cref="Poisoned"/> were (fewer when not enough images were eligible); <see cref="Auxiliary"/>
/// counts the attack's extra samples that keep their labels (WaNet's noise samples, IAD's cross samples,
/// Adaptive-Blend's cover samples). With <see cref="AttackSpec.RedrawEachEpoch"/> the counts are per epoch.
/// </summary>
public sealed record PoisoningSummary(int TrainingImages, int Requested, int Poisoned, int Auxiliary = 0)
{
    [JsonIgnore]
    public double EffectiveRate => TrainingImages == 0 ? 0 : (double)Poisoned / TrainingImages;
}
