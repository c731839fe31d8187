using Fire.Service.State;

namespace Fire.Service.Http;

/// <summary>One image's answer.</summary>
/// <param name="Label">The repaired prediction (the model's own where the guard changed nothing).</param>
/// <param name="Confidence">Softmax probability of <paramref name="Label"/>.</param>
/// <param name="ModelLabel">The model's own prediction, without the guard.</param>
/// <param name="Repaired">Whether the guard changed this image's activation.</param>
/// <param name="Score">Score along the trigger direction at the first repaired layer, in clean standard deviations above the clean mean; null without a repair.</param>
public sealed record PredictionItem(int Label, float Confidence, int ModelLabel, bool Repaired, float? Score);

public sealed record PredictResponse(int GuardVersion, IReadOnlyList<PredictionItem> Predictions);

/// <summary>The JSON body form of /v1/predict and /v1/flags (multipart image files and raw image bodies are read too).</summary>
public sealed record TensorBody(int[] Shape, float[] Data, string? Source = null, string? Note = null);

public sealed record FlagResponse(int Received, int Accepted, int Duplicates, int GuardVersion, int ObservedCount, bool Reselected, string Decision,
    string Plan, string? Selection, double RefitSeconds);

public sealed record RepairItem(string Layer, string Mode, float Alpha, string Density, float GateThreshold);

public sealed record GuardResponse(bool HasGuard, bool CanLearn, int Version, int K, int EstimatedTarget, string Plan, IReadOnlyList<RepairItem> Repairs,
    string? Selection, string ModelFingerprint, IReadOnlyList<string> Layers, IReadOnlyList<GuardVersion> History);

public sealed record ErrorResponse(string Error);

public sealed record HealthResponse(string Status, int GuardVersion);
