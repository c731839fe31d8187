using Fire.Data;
using Fire.Evaluation.Models;
using Fire.Evaluation.Onnx;
using Fire.Guard;

namespace Fire.Evaluation.Tests.Models;

/// <summary>One opener for Fire checkpoints and ONNX files, on the shared ONNX fixtures (../shared/models).</summary>
public sealed class ModelFilesTests : IDisposable
{
    private static readonly float[] Mean = [0.3403f, 0.3121f, 0.3214f];
    private static readonly float[] Std = [0.2724f, 0.2608f, 0.2669f];
    private readonly string _folder = Directory.CreateTempSubdirectory("fire-model-files-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Fixture(string name) =>
        Path.GetFullPath(Path.Combine(DataLocator.Resolve(null), "..", "models", name, "model.onnx"));

    private string ClassesFile(int count)
    {
        string path = Path.Combine(_folder, $"classes-{count}.txt");
        File.WriteAllLines(path, Enumerable.Range(0, count).Select(i => $"sign {i}").Append(""));
        return path;
    }

    [Fact]
    public void An_onnx_file_opens_with_its_normalisation_and_class_names()
    {
        string path = Fixture(OnnxFixture.ResNet20);
        using var model = ModelFiles.Open(path, new ModelInputOptions(Mean, Std, ClassesFile(43), Threads: 1));
        Assert.True(model.IsOnnx);
        Assert.Null(model.Dataset);
        Assert.Null(model.Attack);
        Assert.Equal([3, 32, 32], model.InputShape);
        Assert.Equal(43, model.ClassCount);
        Assert.Equal("5 (sign 5)", model.ClassName(5));
        Assert.Equal(Mean, model.GuardInput!.Mean);
        Assert.Equal(Std, model.GuardInput.Std);
        Assert.Equal(32, model.DataOptions().ImageSize);
    }

    [Fact]
    public void Without_class_names_classes_are_numbers()
    {
        using var model = ModelFiles.Open(Fixture(OnnxFixture.SmallCnn), new ModelInputOptions(Threads: 1));
        Assert.Equal("7", model.ClassName(7));
        Assert.Null(model.GuardInput!.ClassNames);
        Assert.Null(model.GuardInput.Normalization);
    }

    [Fact]
    public void A_class_names_file_of_the_wrong_length_is_refused()
    {
        string classes = ClassesFile(10);
        var error = Assert.Throws<InvalidDataException>(() => ModelFiles.Open(Fixture(OnnxFixture.SmallCnn), new ModelInputOptions(ClassesFile: classes)));
        Assert.Contains(classes, error.Message);
        Assert.Contains("names 10 classes", error.Message);
    }

    [Fact]
    public void Mean_without_std_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelFiles.Open(Fixture(OnnxFixture.ResNet20), new ModelInputOptions(Mean: Mean)));
        Assert.Contains("--mean was given without --std", error.Message);
    }

    [Fact]
    public void A_guard_brings_the_normalisation_and_class_names_it_recorded()
    {
        string path = Fixture(OnnxFixture.ResNet20), guardPath = Path.Combine(_folder, "guard.json");
        using var given = ModelFiles.Open(path, new ModelInputOptions(Mean, Std, ClassesFile(43), Threads: 1));
        using (var guard = new FireGuard(given.Model) { ModelInput = given.GuardInput }) guard.Save(guardPath, includeSamples: false);

        using var reopened = ModelFiles.OpenForGuard(path, guardPath);
        Assert.Equal("5 (sign 5)", reopened.ClassName(5));
        var images = new FloatBatch(Enumerable.Range(0, 2 * 3072).Select(i => i % 97 / 96f).ToArray(), [2, 3, 32, 32]);
        Assert.Equal(given.Model.Forward(images).Data, reopened.Model.Forward(images).Data);
        using var loaded = FireGuard.Load(guardPath, reopened.Model);
        Assert.Equal(Mean, loaded.ModelInput!.Mean);
    }

    [Fact]
    public void A_guard_fitted_for_another_model_is_refused()
    {
        string guardPath = Path.Combine(_folder, "guard.json");
        using (var resnet = ModelFiles.Open(Fixture(OnnxFixture.ResNet20), new ModelInputOptions(Mean, Std, Threads: 1)))
        using (var guard = new FireGuard(resnet.Model) { ModelInput = resnet.GuardInput })
            guard.Save(guardPath, includeSamples: false);
        using var other = ModelFiles.Open(Fixture(OnnxFixture.SmallCnn), new ModelInputOptions(Threads: 1));
        var error = Assert.Throws<InvalidDataException>(() => FireGuard.Load(guardPath, other.Model));
        Assert.Contains(guardPath, error.Message);
        Assert.Contains("which the model lacks", error.Message);
    }

    /// <summary>
    /// A Fire checkpoint on ONNX Runtime (its export, in memory) is the same model to Fire as on TorchSharp: the same
    /// layer names and shapes, logits and activations within float noise, and a guard saved through one engine loads
    /// through the other (its fingerprint and layer shapes match).
    /// </summary>
    [Theory]
    [InlineData("small-cnn")]
    [InlineData("resnet20")]
    public void A_checkpoint_on_onnx_runtime_is_the_same_model_as_on_torchsharp(string architecture)
    {
        string path = Path.Combine(_folder, architecture + ".pt"), guardPath = Path.Combine(_folder, architecture + ".guard.json");
        TorchSharp.torch.manual_seed(3);
        using (var net = Fire.Engines.Torch.ModelZoo.Create(architecture, 3, 32, 32, 43, new Normalization(Mean, Std)))
            Fire.Training.Checkpoint.Save(net, new Fire.Training.CheckpointInfo
            {
                Architecture = net.Architecture, Dataset = "gtsrb", InputShape = [3, 32, 32],
                ClassNames = Enumerable.Range(0, 43).Select(i => $"sign {i}").ToArray(), Normalization = new Normalization(Mean, Std),
            }, path);

        using var torch = ModelFiles.Open(path, new ModelInputOptions(Threads: 1, Engine: CheckpointEngine.TorchSharp));
        using var onnx = ModelFiles.Open(path, new ModelInputOptions(Threads: 1, Engine: CheckpointEngine.OnnxRuntime));
        Assert.IsType<Fire.Engines.Onnx.OnnxLayeredModel>(onnx.Model);
        Assert.False(onnx.IsOnnx); // the file is a checkpoint: its sidecar still gives classes, data set and attack
        Assert.Equal("5 (sign 5)", onnx.ClassName(5));
        Assert.Equal(torch.Model.DescribeLayers().Select(l => $"{l.Name} {string.Join("x", l.ActivationShape)}"),
            onnx.Model.DescribeLayers().Select(l => $"{l.Name} {string.Join("x", l.ActivationShape)}"));

        var random = new Random(4);
        var images = new FloatBatch(Enumerable.Range(0, 4 * 3072).Select(_ => random.NextSingle()).ToArray(), [4, 3, 32, 32]);
        static void Close(FloatBatch expected, FloatBatch actual, string what)
        {
            Assert.Equal(expected.Shape, actual.Shape);
            float scale = 1 + expected.Data.Max(MathF.Abs);
            Assert.All(expected.Data.Zip(actual.Data), p => Assert.True(MathF.Abs(p.First - p.Second) <= 1e-4f * scale, $"{what}: {p.Second} against {p.First}"));
        }
        Close(torch.Model.Forward(images), onnx.Model.Forward(images), "logits");
        string middle = torch.Model.LayerNames[torch.Model.LayerNames.Count / 2];
        var activation = torch.Model.Head(images, middle);
        Close(activation, onnx.Model.Head(images, middle), $"{middle} activations");
        Close(torch.Model.Tail(activation, middle), onnx.Model.Tail(activation, middle), $"the rest from {middle}");

        using (var guard = new FireGuard(torch.Model)) guard.Save(guardPath, includeSamples: false);
        using var loaded = FireGuard.Load(guardPath, onnx.Model);
        Assert.Same(onnx.Model, loaded.Model);
    }
}
