using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fire.Guard;

/// <summary>
/// The guard's file (format "fire-guard"): the options, the layer shapes, the running means (and squared deviations)
/// per layer, the plan with its directions and clean statistics, optionally the clean reference and observed samples,
/// and the model's <see cref="ModelFingerprint"/> (required and checked on reading). Version 2 is a
/// <see cref="GuardContainer"/>: a JSON header whose vectors point into raw little-endian arrays (float32; running
/// means float64, so updates continue exactly) and a SHA-256 of the whole, so that damage or a hand edit is refused.
/// Version 1 files (one JSON document, vectors in base64) are still read. Every number read is checked: finite, class
/// indices in range, shapes matching the model.
/// </summary>
internal static class FireFile
{
    public const string Format = "fire-guard";
    public const int Version = GuardContainer.Version;
    private const int JsonVersion = 1;

    // Version 1 keeps arrays as base64 text; version 2 as indices into the container's raw arrays (blobs).
    private static JsonSerializerOptions Json(List<byte[]>? blobs)
    {
        var options = new JsonSerializerOptions { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) } };
        if (blobs is not null) options.Converters.Add(new BlobConverter(blobs));
        return options;
    }

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
        var blobs = new List<byte[]>();
        byte[] header = JsonSerializer.SerializeToUtf8Bytes(file, Json(blobs));
        // One atomic step: a guard updated in place is never left half written, and a killed run's temporary is removed later.
        AtomicFile.RemoveDeadTemporaries(path);
        AtomicFile.Write(path, stream => GuardContainer.Write(stream, header, blobs));
    }

    public static FireGuard Read(string path, ILayeredModel model)
    {
        if (Directory.Exists(path)) throw new FileNotFoundException($"Guard '{path}' is a folder: give the guard file written by `fire guard fit`.", path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No FIRE file at '{path}'.", path);
        FileDto file;
        try
        {
            byte[] bytes = InputFile.ReadAllBytes(path);
            if (GuardContainer.Matches(bytes))
            {
                var (header, blobs) = GuardContainer.Read(bytes, path);
                file = JsonSerializer.Deserialize<FileDto>(header, Json(blobs)) ?? throw new InvalidDataException($"'{path}' holds no FIRE guard.");
                if (file.Format != Format || file.Version != Version)
                    throw new InvalidDataException($"'{path}' is a guard container whose header says format '{file.Format}' version {file.Version}, not '{Format}' {Version}; the file is damaged or was edited by hand. Fit the guard again with `fire guard fit`.");
            }
            else
            {
                file = JsonSerializer.Deserialize<FileDto>(bytes, Json(null)) ?? throw new InvalidDataException($"'{path}' holds no FIRE guard.");
                if (file.Format != Format)
                    throw new InvalidDataException($"'{path}' is not a FIRE guard (a guard file comes from `fire guard fit` or `fire defend`). Check the --guard path.");
                if (file.Version != JsonVersion)
                    throw new InvalidDataException($"'{path}' is format '{file.Format}' version {file.Version}; this build reads '{Format}' versions {JsonVersion} and {Version}.");
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a readable FIRE file: {e.Message}");
        }
        CheckFields(path, file);

        var shapes = model.DescribeLayers().ToDictionary(l => l.Name, l => l.ActivationShape);
        foreach (var layer in file.Layers)
        {
            if (!shapes.TryGetValue(layer.Name, out var shape))
                throw new InvalidDataException($"'{path}' repairs layer '{layer.Name}', which the model lacks. The model's layers: {string.Join(", ", model.LayerNames)}.");
            if (!shape.SequenceEqual(layer.Shape))
                throw new InvalidDataException($"'{path}': layer '{layer.Name}' has shape [{string.Join(", ", layer.Shape)}] in the file but [{string.Join(", ", shape)}] in the model: the file was made for another model.");
        }
        {
            var (stored, now) = (Floats(file.Fingerprint!, path, "the model fingerprint"), ModelFingerprint.Of(model));
            if (stored.Length != now.Length)
                throw new InvalidDataException($"'{path}' was fitted for a model with {stored.Length / 2} classes; this one has {now.Length / 2}. Fit a guard for this model.");
            if (!ModelFingerprint.Matches(stored, now))
                throw new InvalidDataException($"'{path}' was fitted for another model: this one's outputs on the guard's probe inputs differ (same layers, other weights). Fit a guard for this model.");
        }
        CheckClasses(path, file, model.ClassCount); // after the fingerprint, which names a class-count mismatch best
        int SizeOf(string layer, string what) => file.Layers.FirstOrDefault(l => l.Name == layer)?.Shape.Aggregate(1, (a, d) => a * d)
            ?? throw new InvalidDataException($"'{path}': {what} names layer '{layer}', which the file does not describe.");
        float[] Vector(string layer, byte[] bytes, string what)
        {
            var values = Floats(bytes, path, $"the {what} at layer '{layer}'");
            int size = SizeOf(layer, what);
            if (values.Length != size)
                throw new InvalidDataException($"'{path}': the {what} at layer '{layer}' has {values.Length} values; the layer has {size}.");
            RequireFinite(path, values, $"the {what} at layer '{layer}'");
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
                if (spread.Any(v => !double.IsFinite(v) || v < 0)) throw new InvalidDataException($"'{path}': the {what} at layer '{dto.Layer}' has a negative or non-finite squared deviation; the file is damaged. Fit the guard again.");
            }
            if (dto.Count < 0 || values.Any(v => !double.IsFinite(v))) throw new InvalidDataException($"'{path}': the {what} at layer '{dto.Layer}' has a negative count or non-finite values; the file is damaged. Fit the guard again.");
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
            FloatBatch Stored(byte[] bytes, string what, params int[][] perImage)
            {
                if (bytes is null) throw new InvalidDataException(Damaged(path, "has incomplete samples"));
                var images = Images(bytes, model, path, what);
                if (perImage.Any(list => list.Length != images.Count))
                    throw new InvalidDataException(Damaged(path, $"holds {images.Count} {what} but {string.Join(" and ", perImage.Select(list => list.Length))} labels or predictions for them"));
                return images;
            }
            clean = new CleanReference(Stored(samples.CleanFit, "clean images", samples.CleanFitLabels), samples.CleanFitLabels,
                Stored(samples.CleanHoldout, "held-out clean images", samples.CleanHoldoutLabels, samples.CleanHoldoutPredictions),
                samples.CleanHoldoutLabels, cleanMeans, samples.CleanHoldoutPredictions);
            observed.Poisoned.AddRange(Split(Stored(samples.Poisoned, "flagged images", samples.PoisonedPredictions)));
            observed.Originals.AddRange(Split(Stored(samples.Originals, "original images", samples.OriginalPredictions)));
            observed.PoisonedPredictions.AddRange(samples.PoisonedPredictions);
            observed.OriginalPredictions.AddRange(samples.OriginalPredictions);
        }

        var repairs = file.Plan.Repairs.Select(r => new LayerRepair(
            new TriggerDirection(r.Layer, Vector(r.Layer, r.Beta, "direction"), Vector(r.Layer, r.CleanMean, "clean mean")),
            r.CleanScores, r.Mode, r.Alpha, r.Density)).ToList();
        guard.Restore(clean, observed, new RepairPlan(repairs, file.Plan.EstimatedTarget, file.Plan.ObservedCount, file.Plan.Selection), file.SelectedAt);
        return guard;
    }

    /// <summary>
    /// Refuses what JSON cannot: missing parts, class indices outside the model's classes, counts below zero, non-finite
    /// repair strengths. A hand-edited or damaged guard must fail with its path, never be applied.
    /// </summary>
    private static string Damaged(string path, string what) => $"'{path}' {what}: the file is damaged or was edited by hand. Fit the guard again with `fire guard fit`.";

    private static void CheckFields(string path, FileDto file)
    {
        string Damaged(string what) => FireFile.Damaged(path, what);
        if (file.Options is null) throw new InvalidDataException(Damaged("has no options"));
        if (file.Layers is null || file.Layers.Any(l => l?.Name is null || l.Shape is null)) throw new InvalidDataException(Damaged("has no or incomplete layer descriptions"));
        if (file.Plan?.Repairs is null || file.Plan.Repairs.Any(r => r?.Layer is null || r.Beta is null || r.CleanMean is null || r.CleanScores is null))
            throw new InvalidDataException(Damaged("has no or an incomplete repair plan"));
        if (file.CleanMeans is null || file.ObservedMeans is null || file.CleanMeans.Concat(file.ObservedMeans).Any(m => m?.Layer is null || m.Mean is null))
            throw new InvalidDataException(Damaged("has no or incomplete running means"));
        if (file.Fingerprint is null)
            throw new InvalidDataException(Damaged("has no model fingerprint, so it cannot be checked against the model"));
        if (file.Plan.ObservedCount < 0 || file.SelectedAt < 0) throw new InvalidDataException(Damaged("holds a negative count"));
        foreach (var (names, what) in new[] { (file.Layers.Select(l => l.Name), "layer description"), (file.CleanMeans.Select(m => m.Layer), "clean mean"), (file.ObservedMeans.Select(m => m.Layer), "observed mean") })
            if (names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
                throw new InvalidDataException(Damaged($"holds two {what}s for layer '{twice.Key}'"));
        foreach (var repair in file.Plan.Repairs)
            if (!float.IsFinite(repair.Alpha)) throw new InvalidDataException(Damaged($"repairs layer '{repair.Layer}' with strength {repair.Alpha}"));
        try { file.Options.Validate(); }
        catch (ArgumentException e) { throw new InvalidDataException(Damaged($"holds invalid options ({e.Message})"), e); }
    }

    private static void CheckClasses(string path, FileDto file, int classes)
    {
        string Damaged(string what) => FireFile.Damaged(path, what);
        void Class(int value, string what)
        {
            if (value < -1 || value >= classes) throw new InvalidDataException(Damaged($"names class {value} as its {what}, but the model has classes 0 to {classes - 1}"));
        }
        Class(file.Plan.EstimatedTarget, "estimated target");
        Class(file.ObservedMeansTarget, "observed target");
        if (file.Samples is { } samples)
        {
            foreach (var (labels, what) in new[] { (samples.CleanFitLabels, "clean label"), (samples.CleanHoldoutLabels, "clean label"),
                         (samples.CleanHoldoutPredictions, "prediction"), (samples.PoisonedPredictions, "prediction"), (samples.OriginalPredictions, "prediction") })
            {
                if (labels is null) throw new InvalidDataException(Damaged("has incomplete samples"));
                foreach (int label in labels)
                    if (label < 0 || label >= classes) throw new InvalidDataException(Damaged($"holds {what} {label}, but the model has classes 0 to {classes - 1}"));
            }
        }
    }

    private static void RequireFinite(string path, float[] values, string what)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) throw new InvalidDataException($"'{path}': {what} holds NaN or infinity; the file is damaged. Fit the guard again.");
    }

    private static MeanDto Mean(string layer, RunningMean mean) =>
        new(layer, mean.Count, MemoryMarshal.AsBytes(mean.Accumulator).ToArray(), MemoryMarshal.AsBytes(mean.SquaredDeviations).ToArray());

    private static RepairDto Repair(LayerRepair r) =>
        new(r.Layer, r.Mode, r.Alpha, Bytes(r.Direction.Beta), Bytes(r.Direction.CleanMean), r.CleanScores, r.Density);

    private static SamplesDto Samples(CleanReference clean, PoisonObservations observed) => new(
        Bytes(clean.FitImages.Data), clean.FitLabels, Bytes(clean.HoldoutImages.Data), clean.HoldoutLabels, clean.HoldoutPredictions,
        Bytes(observed.Poisoned.SelectMany(p => p).ToArray()), Bytes(observed.Originals.SelectMany(p => p).ToArray()),
        observed.PoisonedPredictions.ToArray(), observed.OriginalPredictions.ToArray());

    private static FloatBatch Images(byte[] bytes, ILayeredModel model, string path, string what)
    {
        var data = Floats(bytes, path, $"the stored {what}");
        int size = model.InputShape.Aggregate(1, (a, d) => a * d);
        if (data.Length % size != 0) throw new InvalidDataException(Damaged(path, $"holds {what} of {data.Length} values, not a whole number of {size}-value images"));
        RequireFinite(path, data, $"the stored {what}");
        return new FloatBatch(data, [data.Length / size, .. model.InputShape]);
    }

    private static IEnumerable<float[]> Split(FloatBatch images)
    {
        for (int i = 0; i < images.Count; i++) yield return images.Sample(i).ToArray();
    }

    private static byte[] Bytes(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static float[] Floats(byte[] bytes, string path, string what)
    {
        if (bytes.Length % sizeof(float) != 0) throw new InvalidDataException(Damaged(path, $"holds {what} as {bytes.Length} bytes, not a whole number of floats"));
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    /// <summary>Writes each byte array as the index of a raw array of the container instead of base64 text.</summary>
    private sealed class BlobConverter(List<byte[]> blobs) : JsonConverter<byte[]>
    {
        public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            int index = reader.GetInt32();
            if (index < 0 || index >= blobs.Count) throw new JsonException($"array {index} is not in the file (it holds {blobs.Count})");
            return blobs[index];
        }

        public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options)
        {
            writer.WriteNumberValue(blobs.Count);
            blobs.Add(value);
        }
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
