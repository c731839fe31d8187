using Fire.Guard;

namespace Fire.Guard.Tests;

public class GuardErrorTests
{
    private static readonly FloatBatch Clean = ToyLayeredModel.Batch([1f, 0f], [0f, 1f], [1f, 0f]);

    [Fact]
    public void AnUnknownLayerListsTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => new FireGuard(ToyLayeredModel.Identity(2), new FireOptions { Layers = ["conv9"] }));
        Assert.Contains("Unknown layer 'conv9'", error.Message);
        Assert.Contains("features, logits", error.Message);
        using var guard = new FireGuard(ToyLayeredModel.Identity(2));
        Assert.Throws<ArgumentException>(() => guard.Direction("conv9"));
    }

    [Fact]
    public void EmptySetsAndMismatchedLabelsAreRejected()
    {
        using var guard = new FireGuard(ToyLayeredModel.Identity(2));
        var empty = new FloatBatch([], [0, 1, 1, 2]);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => guard.FitClean(empty, [])).Message);
        Assert.Contains("3 images but 2 labels", Assert.Throws<ArgumentException>(() => guard.FitClean(Clean, [0, 1])).Message);
        Assert.Contains("outside", Assert.Throws<ArgumentException>(() => guard.FitClean(Clean, [0, 1, 5])).Message);
        guard.FitClean(Clean, [0, 1, 0]);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => guard.Observe(empty)).Message);
        Assert.Contains("shape (N, 1, 1, 2)", Assert.Throws<ArgumentException>(() => guard.Observe(new FloatBatch(new float[3], [1, 1, 1, 3]))).Message);
        Assert.Contains("as many", Assert.Throws<ArgumentException>(() => guard.ObservePairs(Clean, ToyLayeredModel.Batch([1f, 1f]))).Message);
    }

    [Fact]
    public void ObservingNeedsACleanReferenceAndOneKindOfEstimate()
    {
        using var guard = new FireGuard(ToyLayeredModel.Identity(2));
        var poisoned = ToyLayeredModel.Batch([3f, 0f]);
        Assert.Contains("FitClean", Assert.Throws<InvalidOperationException>(() => guard.Observe(poisoned)).Message);
        guard.FitClean(Clean, [0, 1, 0]);
        guard.Observe(poisoned);
        Assert.Contains("cannot mix", Assert.Throws<InvalidOperationException>(() => guard.ObservePairs(Clean, Clean)).Message);
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        var model = ToyLayeredModel.Identity(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FireGuard(model, new FireOptions { GateQuantile = 1.5f }));
        Assert.Throws<ArgumentException>(() => new FireGuard(model, new FireOptions { Alphas = [] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FireGuard(model, new FireOptions { Folds = 1 }));
        Assert.Throws<ArgumentException>(() => new FireGuard(model, new FireOptions { FixedPlan = [new RepairSetting("nope", RepairMode.Translate, 1f)] }));
    }

    [Fact]
    public void AFileThatIsNotAGuardIsAClearError()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fire-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{ \"hello\": ");
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => FireGuard.Load(path, ToyLayeredModel.Identity(2)));
            Assert.Contains(path, error.Message);
            Assert.Throws<FileNotFoundException>(() => FireGuard.Load(path + ".missing", ToyLayeredModel.Identity(2)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Same layers and shapes, other weights (or another class count): the guard's fingerprint (logits on two probe inputs) refuses the other model.</summary>
    [Fact]
    public void AGuardFittedForAnotherModelIsRefused()
    {
        var fitted = ToyLayeredModel.Identity(2);
        var other = new ToyLayeredModel(2, 2, ("features", x => (float[])x.Clone()), ("logits", x => [x[0], 1.01f * x[1]]));
        using var guard = new FireGuard(fitted);
        guard.FitClean(Clean, [0, 1, 0]);
        guard.Observe(ToyLayeredModel.Batch([3f, 0f], [3f, 1f]));
        string path = Path.Combine(Path.GetTempPath(), $"fire-{Guid.NewGuid():N}.json");
        try
        {
            guard.Save(path);
            using var loaded = FireGuard.Load(path, ToyLayeredModel.Identity(2));
            Assert.Equal(guard.Plan.ToString(), loaded.Plan.ToString());
            var error = Assert.Throws<InvalidDataException>(() => FireGuard.Load(path, other));
            Assert.Contains("was fitted for another model", error.Message);
            Assert.Contains(path, error.Message);
            var threeClasses = new ToyLayeredModel(2, 3, ("features", x => (float[])x.Clone()), ("logits", x => [x[0], x[1], 0f]));
            Assert.Contains("a model with 2 classes; this one has 3", Assert.Throws<InvalidDataException>(() => FireGuard.Load(path, threeClasses)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
