using System.Text.Json;

namespace Fire.Guard;

/// <summary>
/// What a model from outside Fire (an ONNX file) needs beside its file, recorded in the guard so that loading the
/// guard later needs no repetition: the normalisation applied to [0, 1] pixels before the graph (null: none) and the
/// class names (null: numbers). Fire's own checkpoints carry both in their sidecar and record nothing here.
/// </summary>
public sealed record GuardModelInput(float[]? Mean, float[]? Std, IReadOnlyList<string>? ClassNames)
{
    /// <summary>The normalisation, when both mean and std are recorded.</summary>
    public InputNormalization? Normalization => Mean is not null && Std is not null ? new InputNormalization(Mean, Std) : null;

    /// <summary>
    /// The record in a guard file, read before the model is opened (the model needs it; the guard needs the model).
    /// Null when the file records none. The rest of the file is checked by <see cref="FireGuard.Load"/>.
    /// </summary>
    public static GuardModelInput? ReadFrom(string guardPath)
    {
        if (!File.Exists(guardPath)) throw new FileNotFoundException($"No FIRE file at '{guardPath}'.", guardPath);
        try
        {
            // A version-2 guard is a container whose header is the JSON document; a version-1 guard is the document itself.
            byte[] bytes = File.ReadAllBytes(guardPath);
            using var document = JsonDocument.Parse(GuardContainer.Matches(bytes) ? GuardContainer.Read(bytes, guardPath).Header : bytes);
            if (!document.RootElement.TryGetProperty(nameof(FireGuard.ModelInput), out var element) || element.ValueKind == JsonValueKind.Null) return null;
            var input = element.Deserialize<GuardModelInput>();
            foreach (float v in (input?.Mean ?? []).Concat(input?.Std ?? []))
                if (!float.IsFinite(v)) throw new InvalidDataException($"'{guardPath}': the recorded normalisation holds {v}; every value must be finite.");
            return input;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{guardPath}' is not a readable FIRE file: {e.Message}");
        }
    }
}
