using System.Text.Json;

namespace Fire.Evaluation.Streams;

/// <summary>One model's stream results as a JSON file (FireJson), written in one atomic step.</summary>
public static class StreamResults
{
    public static void Save(string path, StreamExperimentResult result)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, result, FireJson.Options));
    }

    /// <summary>The results saved at <paramref name="path"/>, or null when there are none; a file that cannot be read is an error naming it.</summary>
    public static StreamExperimentResult? TryLoad(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var stream = File.OpenRead(path);
            var result = JsonSerializer.Deserialize<StreamExperimentResult>(stream, FireJson.Options);
            if (result?.Settings is null || result.Calibrations is null || result.Settings.Any(s => s.Streams is null || s.Curves is null || s.Streams.Count == 0))
                throw new InvalidDataException("it lacks its settings, streams or curves");
            return result;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or NotSupportedException)
        {
            throw new InvalidDataException($"Stream results '{path}' cannot be read ({e.Message}); delete it to recompute.", e);
        }
    }
}
