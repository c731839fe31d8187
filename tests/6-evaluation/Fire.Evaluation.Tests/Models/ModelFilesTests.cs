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
}
