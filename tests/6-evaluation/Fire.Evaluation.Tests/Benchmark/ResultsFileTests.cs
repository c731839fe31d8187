using System.Text;
using System.Text.Json;
using Fire.Evaluation.Benchmark;
using Fire.Evaluation.Metrics;
using Fire.Evaluation.Repair;
using Fire.Training;

namespace Fire.Evaluation.Tests.Benchmark;

public sealed class ResultsFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fire-bench-results-").FullName;
    private string PathIn(string name) => Path.Combine(_folder, name);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static CellResult Result(string defense, string? error = null)
    {
        var cell = new BenchmarkCell("gtsrb", "small-cnn", "badnets", defense, 1);
        var recipe = new BenchmarkRecipe { Epochs = 3, TrainSubset = 5000, StreamingPoints = [1, 10] };
        var streaming = new List<StreamingPoint> { new(1, new BackdoorMetrics(0.9, 0.5, 0.4), "conv2: gated, alpha 1", 0), new(10, new BackdoorMetrics(0.91, 0.01, 0.88, 0, 0), "conv3: translate, alpha 1.5", 0) };
        var measurement = error is null
            ? FakeBackend.Measure(cell) with { Auroc = 0.875, Streaming = streaming, Plan = "conv3: translate, alpha 1.5", Metrics = new BackdoorMetrics(0.9, 0.02, double.NaN, 0.01, 0.3) }
            : null;
        return new CellResult(cell, BenchmarkRunner.Fingerprint(cell, recipe), recipe, "gtsrb-small-cnn-badnets-0123456789abcdef", measurement, error, 12.5,
            new DateTimeOffset(2026, 11, 3, 10, 0, 0, TimeSpan.Zero));
    }

    private static string Json(object value) => JsonSerializer.Serialize(value, FireJson.Options);

    [Fact]
    public void Results_survive_a_round_trip_through_the_file()
    {
        var results = new BenchmarkResults([Result("fire-unpaired"), Result("strip", error: "ArgumentException: broke")]);
        results.Save(PathIn("results.json"));
        var loaded = BenchmarkResults.Load(PathIn("results.json"));
        Assert.Equal(Json(results.All), Json(loaded.All));
        var fire = loaded.All[0];
        Assert.Equal([1, 10], fire.Recipe.StreamingPoints);
        Assert.True(double.IsNaN(fire.Measurement!.Metrics.PoisonedAccuracy));
        Assert.Equal(0.875, fire.Measurement.Auroc);
        Assert.Equal(0.88, fire.Measurement.Streaming![1].Metrics.PoisonedAccuracy);
        Assert.Equal(2.0, fire.Measurement.Latency!.Batch1.Ratio);
        Assert.True(fire.Finishes(fire.Fingerprint));
        Assert.False(loaded.All[1].Finishes(loaded.All[1].Fingerprint)); // an error never finishes a cell
    }

    [Fact]
    public void Putting_a_cell_again_replaces_it_in_place()
    {
        var results = new BenchmarkResults([Result("none"), Result("strip")]);
        results.Put(Result("none") with { Seconds = 99 });
        Assert.Equal(["none", "strip"], results.All.Select(r => r.Cell.Defense));
        Assert.Equal(99, results.All[0].Seconds);
    }

    [Fact]
    public void A_missing_file_is_empty_and_a_damaged_one_is_an_error_naming_it()
    {
        Assert.Equal(0, BenchmarkResults.Load(PathIn("absent.json")).Count);
        File.WriteAllText(PathIn("damaged.json"), "{\"format\": 1, \"cells\": [");
        var error = Assert.Throws<InvalidDataException>(() => BenchmarkResults.Load(PathIn("damaged.json")));
        Assert.Contains(PathIn("damaged.json"), error.Message);
    }

    [Fact]
    public void An_interrupted_write_leaves_the_previous_results_intact()
    {
        string path = PathIn("results.json");
        new BenchmarkResults([Result("none")]).Save(path);
        string before = File.ReadAllText(path);

        // The write dies half way, as a crash or a full disk would leave it.
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(Encoding.UTF8.GetBytes("{\"format\": 1, \"cel"));
            throw new IOException("disk full");
        }));

        Assert.Equal(before, File.ReadAllText(path));
        Assert.Equal(["results.json"], Directory.GetFiles(_folder).Select(Path.GetFileName));
        Assert.Equal("none", BenchmarkResults.Load(path).All.Single().Cell.Defense);
    }
}
