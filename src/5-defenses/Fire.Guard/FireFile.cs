using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fire.Guard;

/// <summary>
/// The guard's file: one JSON document (format "fire-guard", version 1) holding the options, the layer shapes,
/// the running means (and squared deviations) per layer, the plan with its directions and clean statistics, and optionally the clean
/// reference and observed samples, and the model's <see cref="ModelFingerprint"/> (checked on reading). Vectors are little-endian float32 (running means float64, so updates continue exactly) in base64.
/// </summary>
internal static class FireFile
{
    public const string Format = "fire-guard";
    public const int Version = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static void Write(string path, FireGuard guard, CleanReference? clean, PoisonObservations observed, RepairPlan plan, int selectedAt, bool includeSamples)
    {
        var shapes = guard.Model.DescribeLayers().ToDictionary(l => l.Name, l => l.ActivationShape);
        var file = new FileDto(Format, Version, guard.Options,
            guard.Layers.Select(l => new LayerDto(l, shapes[l])).ToList(),
            observed.Source, selectedAt,
            clean?.Means.Select(m => Mean(m.Key, m.Value)).ToList() ?? [],
            observed.Means.Select(m => Mean(m.Key, m.Value)).ToList(),
            new PlanDto(plan.EstimatedTarget, plan.ObservedCount, plan.Repairs.Select(Repair).ToList(), plan.Selection),
            includeSamples && clean is not null ? Samples(clean, observed) : null,
            Bytes(ModelFingerprint.Of(guard.Model)), observed.MeansTarget)
            { ModelInput = guard.ModelInput };
        // Written beside the target and moved over it: a guard updated in place is never left half written.
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = $"{full}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = File.Create(temporary))
                JsonSerializer.Serialize(stream, file, Json);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    public static FireGuard Read(string path, ILayeredModel model)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No FIRE file at '{path}'.", path);
        FileDto file;
        try
        {
            using var stream = File.OpenRead(path);
            file = JsonSerializer.Deserialize<FileDto>(stream, Json) ?? throw new InvalidDataException($"'{path}' holds no FIRE guard.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a readable FIRE file: {e.Message}");
        }
        if (file.Format != Format || file.Version != Version)
            throw new InvalidDataException($"'{path}' is format '{file.Format}' version {file.Version}; this build reads '{Format}' version {Version}.");

        var shapes = model.DescribeLayers().ToDictionary(l => l.Name, l => l.ActivationShape);
        foreach (var layer in file.Layers)
        {
            if (!shapes.TryGetValue(layer.Name, out var shape))
                throw new InvalidDataException($"'{path}' repairs layer '{layer.Name}', which the model lacks. The model's layers: {string.Join(", ", model.LayerNames)}.");
            if (!shape.SequenceEqual(layer.Shape))
                throw new InvalidDataException($"'{path}': layer '{layer.Name}' has shape [{string.Join(", ", layer.Shape)}] in the file but [{string.Join(", ", shape)}] in the model: the file was made for another model.");
        }
        if (file.Fingerprint is { } fingerprint)
        {
            var (stored, now) = (Floats(fingerprint), ModelFingerprint.Of(model));
            if (stored.Length != now.Length)
                throw new InvalidDataException($"'{path}' was fitted for a model with {stored.Length / 2} classes; this one has {now.Length / 2}. Fit a guard for this model.");
            if (!ModelFingerprint.Matches(stored, now))
                throw new InvalidDataException($"'{path}' was fitted for another model: this one's outputs on the guard's probe inputs differ (same layers, other weights). Fit a guard for this model.");
        }
        int SizeOf(string layer, string what) => file.Layers.FirstOrDefault(l => l.Name == layer)?.Shape.Aggregate(1, (a, d) => a * d)
            ?? throw new InvalidDataException($"'{path}': {what} names layer '{layer}', which the file does not describe.");
        float[] Vector(string layer, byte[] bytes, string what)
        {
            var values = Floats(bytes);
            int size = SizeOf(layer, what);
            if (values.Length != size)
                throw new InvalidDataException($"'{path}': the {what} at layer '{layer}' has {values.Length} values; the layer has {size}.");
            return values;
        }
        RunningMean Mean(MeanDto dto, string what)
        {
            if (dto.Mean.Length % sizeof(double) != 0) throw new InvalidDataException($"'{path}': the {what} at layer '{dto.Layer}' is not a whole number of doubles.");
            var values = MemoryMarshal.Cast<byte, double>(dto.Mean).ToArray();
            int size = SizeOf(dto.Layer, what);
            if (values.Length != size)
                throw new InvalidDataException($"'{path}': the {what} at layer '{dto.Layer}' has {values.Length} values; the layer has {size}.");
            double[]? spread = null;
            if (dto.SquaredDeviations is { } m2)
            {
                if (m2.Length != dto.Mean.Length) throw new InvalidDataException($"'{path}': the {what} at layer '{dto.Layer}' has {m2.Length / sizeof(double)} squared deviations for {values.Length} values.");
                spread = MemoryMarshal.Cast<byte, double>(m2).ToArray();
            }
            return new RunningMean(values, dto.Count, spread);
        }

        var guard = new FireGuard(model, file.Options) { ModelInput = file.ModelInput };
        var cleanMeans = file.CleanMeans.ToDictionary(m => m.Layer, m => Mean(m, "clean mean"), StringComparer.Ordinal);
        var observed = new PoisonObservations(model.InputShape, file.Source);
        foreach (var m in file.ObservedMeans) observed.Means[m.Layer] = Mean(m, "observed mean");
        observed.MeansTarget = file.ObservedMeansTarget;

        CleanReference? clean = null;
        if (file.Samples is { } samples)
        {
            clean = new CleanReference(Images(samples.CleanFit, model), samples.CleanFitLabels, Images(samples.CleanHoldout, model),
                samples.CleanHoldoutLabels, cleanMeans, samples.CleanHoldoutPredictions);
            observed.Poisoned.AddRange(Split(samples.Poisoned, model));
            observed.Originals.AddRange(Split(samples.Originals, model));
            observed.PoisonedPredictions.AddRange(samples.PoisonedPredictions);
            observed.OriginalPredictions.AddRange(samples.OriginalPredictions);
        }

        var repairs = file.Plan.Repairs.Select(r => new LayerRepair(
            new TriggerDirection(r.Layer, Vector(r.Layer, r.Beta, "direction"), Vector(r.Layer, r.CleanMean, "clean mean")),
            r.CleanScores, r.Mode, r.Alpha, r.Density)).ToList();
        guard.Restore(clean, observed, new RepairPlan(repairs, file.Plan.EstimatedTarget, file.Plan.ObservedCount, file.Plan.Selection), file.SelectedAt);
        return guard;
    }

    private static MeanDto Mean(string layer, RunningMean mean) =>
        new(layer, mean.Count, MemoryMarshal.AsBytes(mean.Accumulator).ToArray(), MemoryMarshal.AsBytes(mean.SquaredDeviations).ToArray());

    private static RepairDto Repair(LayerRepair r) =>
        new(r.Layer, r.Mode, r.Alpha, Bytes(r.Direction.Beta), Bytes(r.Direction.CleanMean), r.CleanScores, r.Density);

    private static SamplesDto Samples(CleanReference clean, PoisonObservations observed) => new(
        Bytes(clean.FitImages.Data), clean.FitLabels, Bytes(clean.HoldoutImages.Data), clean.HoldoutLabels, clean.HoldoutPredictions,
        Bytes(observed.Poisoned.SelectMany(p => p).ToArray()), Bytes(observed.Originals.SelectMany(p => p).ToArray()),
        observed.PoisonedPredictions.ToArray(), observed.OriginalPredictions.ToArray());

    private static FloatBatch Images(byte[] bytes, ILayeredModel model)
    {
        var data = Floats(bytes);
        int size = model.InputShape.Aggregate(1, (a, d) => a * d);
        if (data.Length % size != 0) throw new InvalidDataException($"Stored images hold {data.Length} values, not a whole number of {size}-value images.");
        return new FloatBatch(data, [data.Length / size, .. model.InputShape]);
    }

    private static IEnumerable<float[]> Split(byte[] bytes, ILayeredModel model)
    {
        var images = Images(bytes, model);
        for (int i = 0; i < images.Count; i++) yield return images.Sample(i).ToArray();
    }

    private static byte[] Bytes(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static float[] Floats(byte[] bytes)
    {
        if (bytes.Length % sizeof(float) != 0) throw new InvalidDataException($"A stored vector has {bytes.Length} bytes, not a whole number of floats.");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    private sealed record FileDto(string Format, int Version, FireOptions Options, List<LayerDto> Layers, DirectionSource Source, int SelectedAt,
        List<MeanDto> CleanMeans, List<MeanDto> ObservedMeans, PlanDto Plan, SamplesDto? Samples, byte[]? Fingerprint = null, int ObservedMeansTarget = -1)
    {
        /// <summary>A model from outside Fire (GuardModelInput.ReadFrom reads it alone); absent for Fire's checkpoints.</summary>
        public GuardModelInput? ModelInput { get; init; }
    }
    private sealed record LayerDto(string Name, int[] Shape);
    /// <summary>SquaredDeviations (per-coordinate variance times n - 1) is null in files written before sparse directions.</summary>
    private sealed record MeanDto(string Layer, long Count, byte[] Mean, byte[]? SquaredDeviations = null);
    private sealed record RepairDto(string Layer, RepairMode Mode, float Alpha, byte[] Beta, byte[] CleanMean, CleanScoreStatistics CleanScores,
        DirectionDensity Density = DirectionDensity.Dense);
    private sealed record PlanDto(int EstimatedTarget, int ObservedCount, List<RepairDto> Repairs, SelectionReport? Selection);
    private sealed record SamplesDto(byte[] CleanFit, int[] CleanFitLabels, byte[] CleanHoldout, int[] CleanHoldoutLabels, int[] CleanHoldoutPredictions,
        byte[] Poisoned, byte[] Originals, int[] PoisonedPredictions, int[] OriginalPredictions);
}
