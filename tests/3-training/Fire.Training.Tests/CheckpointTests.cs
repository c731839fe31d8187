using System.Text.Json;
using System.Text.Json.Nodes;
using Fire.Data;
using Fire.Engines.Torch;
using static TorchSharp.torch;

namespace Fire.Training.Tests;

public class CheckpointTests
{
    private static (LayeredNet Net, CheckpointInfo Info) TrainedNet(int epochs = 1)
    {
        var train = TestData.MnistTrain(128);
        var recipe = new TrainRecipe(epochs, BatchSize: 32, Seed: 2);
        var net = TrainerTests.NewNet(train, recipe.Seed);
        using (var trainer = new Trainer(net, recipe)) trainer.Fit(train);
        return (net, CheckpointInfo.For(net, "mnist", train, TestData.Mnist.Normalization, recipe));
    }

    private static float[] Logits(LayeredNet net)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        net.eval();
        var images = tensor(TestData.MnistTest(16).Pixels.Select(b => b / 255f).ToArray(), new long[] { 16, 1, 28, 28 });
        return net.call(images).data<float>().ToArray();
    }

    [Fact]
    public void A_saved_and_loaded_model_gives_bitwise_identical_logits()
    {
        using var folder = new TempFolder();
        var (net, info) = TrainedNet();
        using var owned = net;
        Checkpoint.Save(net, info, folder.File("model.pt"));

        var (loaded, loadedInfo) = Checkpoint.Load(folder.File("model.pt"));
        using var _ = loaded;
        Assert.Equal(Logits(net), Logits(loaded));
        Assert.True(TrainerTests.SameState(net, loaded));
        Assert.Equal("small-cnn", loadedInfo.Architecture);
        // The sidecar's path is accepted too.
        using var viaSidecar = Checkpoint.Load(folder.File("model.pt.json")).Net;
        Assert.Equal(Logits(net), Logits(viaSidecar));
    }

    [Fact]
    public void The_sidecar_round_trips_every_field()
    {
        using var folder = new TempFolder();
        var (net, info) = TrainedNet();
        using var owned = net;
        info = info with
        {
            EpochsDone = 1,
            Metrics = new() { ["test_accuracy"] = 0.875, ["empty_split"] = double.NaN },
            Attack = new JsonObject { ["name"] = "badnets", ["target"] = 0, ["rate"] = 0.1 },
            Extra = new JsonObject { ["note"] = "round trip" },
            CreatedAt = new DateTimeOffset(2026, 11, 25, 1, 2, 3, TimeSpan.Zero),
        };
        Checkpoint.Save(net, info, folder.File("model.pt"));
        var read = Checkpoint.ReadInfo(folder.File("model.pt"));

        Assert.Equal(JsonSerializer.Serialize(info, FireJson.Options), JsonSerializer.Serialize(read, FireJson.Options));
        Assert.Equal(new[] { 1, 28, 28 }, read.InputShape);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => TestData.Mnist.Train.ClassNames[i]), read.ClassNames);
        Assert.Equal(TestData.Mnist.Normalization.Mean, read.Normalization.Mean);
        Assert.Equal(info.Recipe, read.Recipe);
        Assert.Equal(0.875, read.Metrics["test_accuracy"]);
        Assert.True(double.IsNaN(read.Metrics["empty_split"]));
        Assert.Equal("badnets", (string?)read.Attack!["name"]);
        Assert.Equal(info.CreatedAt, read.CreatedAt);
        Assert.Null(read.OptimizerState);
        using var doc = JsonDocument.Parse(File.ReadAllText(folder.File("model.pt.json")));
        Assert.Equal("small-cnn", doc.RootElement.GetProperty("architecture").GetString());
    }

    [Fact]
    public void Saving_leaves_only_the_checkpoint_files()
    {
        using var folder = new TempFolder();
        var (net, info) = TrainedNet();
        using var owned = net;
        Checkpoint.Save(net, info, folder.File("model.pt"));
        Assert.Equal(new[] { "model.pt", "model.pt.json" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order());

        using (var trainer = new Trainer(net, info.Recipe!)) Checkpoint.Save(net, info, folder.File("model.pt"), trainer);
        Assert.Equal(new[] { "model.pt", "model.pt.json", "model.pt.optim" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order());
        Assert.Equal("model.pt.optim", Checkpoint.ReadInfo(folder.File("model.pt")).OptimizerState);

        // A final save without a trainer retires the training state.
        Checkpoint.Save(net, info, folder.File("model.pt"));
        Assert.Equal(new[] { "model.pt", "model.pt.json" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_failed_save_leaves_the_previous_checkpoint_untouched()
    {
        using var folder = new TempFolder();
        var (net, info) = TrainedNet();
        using var owned = net;
        string path = folder.File("model.pt");
        Checkpoint.Save(net, info, path);
        byte[] weights = File.ReadAllBytes(path), sidecar = File.ReadAllBytes(path + ".json");

        using (var noGrad = no_grad()) foreach (var p in net.parameters()) p.add_(HeldScalars.One);
        var unserializable = info with { Extra = new JsonObject { ["bad"] = JsonValue.Create(typeof(int)) } };
        Assert.ThrowsAny<Exception>(() => Checkpoint.Save(net, unserializable, path));

        Assert.Equal(weights, File.ReadAllBytes(path));
        Assert.Equal(sidecar, File.ReadAllBytes(path + ".json"));
        Assert.Equal(new[] { "model.pt", "model.pt.json" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_missing_checkpoint_is_named()
    {
        using var folder = new TempFolder();
        var e = Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(folder.File("nothing.pt")));
        Assert.Contains("nothing.pt", e.Message);
    }

    [Fact]
    public void A_missing_sidecar_is_named()
    {
        using var folder = new TempFolder();
        var (net, info) = TrainedNet();
        using var owned = net;
        Checkpoint.Save(net, info, folder.File("model.pt"));
        File.Delete(folder.File("model.pt.json"));
        var e = Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(folder.File("model.pt")));
        Assert.Contains("model.pt.json", e.Message);
    }

    [Theory]
    [InlineData("{ this is not json")]
    [InlineData("{ \"architecture\": \"small-cnn\" }")]
    [InlineData("{ \"architecture\": \"small-cnn\", \"dataset\": \"mnist\", \"inputShape\": [1, 28], \"classNames\": [\"a\", \"b\"], \"normalization\": { \"mean\": [0], \"std\": [1] } }")]
    public void A_corrupt_sidecar_is_named(string json)
    {
        using var folder = new TempFolder();
        var (net, info) = TrainedNet();
        using var owned = net;
        Checkpoint.Save(net, info, folder.File("model.pt"));
        File.WriteAllText(folder.File("model.pt.json"), json);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(folder.File("model.pt")));
        Assert.Contains("model.pt.json", e.Message);
    }

    [Fact]
    public void Weights_of_another_architecture_are_refused_with_the_mismatch_named()
    {
        using var folder = new TempFolder();
        var (net, info) = TrainedNet();
        using var owned = net;
        Checkpoint.Save(net, info, folder.File("model.pt"));
        string other = ModelZoo.Architectures.First(a => a != "small-cnn");
        var json = JsonNode.Parse(File.ReadAllText(folder.File("model.pt.json")))!;
        json["architecture"] = other;
        File.WriteAllText(folder.File("model.pt.json"), json.ToJsonString());

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(folder.File("model.pt")));
        Assert.Contains("model.pt", e.Message);
        Assert.Contains(other, e.Message);
        Assert.Contains("conv1", e.Message);
    }

    [Fact]
    public void Weights_for_another_class_count_are_refused_with_the_tensor_named()
    {
        using var folder = new TempFolder();
        var (net, info) = TrainedNet();
        using var owned = net;
        Checkpoint.Save(net, info with { ClassNames = info.ClassNames.Take(5).ToArray() }, folder.File("model.pt"));
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(folder.File("model.pt")));
        Assert.Contains("'fc2.weight' is Float32[10, 256] in the file, Float32[5, 256] in the model", e.Message);
    }

    [Fact]
    public void Truncated_weights_are_refused()
    {
        using var folder = new TempFolder();
        var (net, info) = TrainedNet();
        using var owned = net;
        string path = folder.File("model.pt");
        Checkpoint.Save(net, info, path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Checkpoint_data_check_names_both_sides()
    {
        var (net, info) = TrainedNet();
        using var owned = net;
        var rgb = new ImageDataset("rgb", new byte[2 * 3 * 28 * 28], new[] { 0, 1 }, info.ClassNames, 3, 28, 28);
        var e = Assert.Throws<InvalidDataException>(() => info.CheckData(rgb, "model.pt"));
        Assert.Contains("1x28x28", e.Message);
        Assert.Contains("3x28x28", e.Message);
        info.CheckData(TestData.Mnist.Test, "model.pt");
    }
}
