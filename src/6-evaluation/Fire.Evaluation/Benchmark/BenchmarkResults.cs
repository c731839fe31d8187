using System.Text.Json;
using Fire.Training;

namespace Fire.Evaluation.Benchmark;

/// <summary>
/// The results file (JSON): one entry per cell id, the latest measurement of that cell. It is rewritten atomically
/// (<see cref="AtomicFile"/>) after every finished cell, so an interrupted run keeps everything finished before it.
/// Entries of cells outside the current matrix are kept, so several matrices can share one file.
/// </summary>
public sealed class BenchmarkResults
{
    public const int CurrentFormat = 1;

    private readonly Dictionary<string, CellResult> _byId = new(StringComparer.Ordinal);
    private readonly List<string> _order = new();

    public BenchmarkResults(IEnumerable<CellResult>? results = null)
    {
        foreach (var result in results ?? []) Put(result);
    }

    public IReadOnlyList<CellResult> All => _order.Select(id => _byId[id]).ToList();
    public int Count => _order.Count;

    public CellResult? Find(BenchmarkCell cell) => _byId.GetValueOrDefault(cell.Id);

    /// <summary>Adds a result, replacing any earlier one of the same cell (keeping its place in the file).</summary>
    public void Put(CellResult result)
    {
        if (!_byId.ContainsKey(result.Cell.Id)) _order.Add(result.Cell.Id);
        _byId[result.Cell.Id] = result;
    }

    /// <summary>Reads a results file; a missing file is an empty result set. A damaged file is an error naming it.</summary>
    public static BenchmarkResults Load(string path)
    {
        if (!File.Exists(path)) return new BenchmarkResults();
        try
        {
            var file = JsonSerializer.Deserialize<ResultsFile>(File.ReadAllText(path), FireJson.Options)
                       ?? throw new InvalidDataException("it holds null");
            if (file.Format != CurrentFormat) throw new InvalidDataException($"format {file.Format} is not the supported format {CurrentFormat}");
            if (file.Cells.Any(c => c?.Cell is null || c.Fingerprint is null))
                throw new InvalidDataException("an entry lacks its cell or fingerprint");
            return new BenchmarkResults(file.Cells);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or NotSupportedException)
        {
            throw new InvalidDataException($"Results file '{Path.GetFullPath(path)}' is not a valid benchmark results file ({e.Message}); move it away or pass another --results.", e);
        }
    }

    /// <summary>Writes the file atomically: a failed or interrupted write leaves the previous file intact.</summary>
    public void Save(string path) =>
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, new ResultsFile(CurrentFormat, All), FireJson.Options));

    private sealed record ResultsFile(int Format, IReadOnlyList<CellResult> Cells);
}
