namespace Fire.Guard.Tests;

/// <summary>A model from outside Fire: its normalisation and class names travel in the guard file.</summary>
public sealed class GuardModelInputTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"fire-input-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void The_record_is_saved_read_alone_and_restored_with_the_guard()
    {
        using var model = ToyLayeredModel.Identity(3);
        var input = new GuardModelInput([0.25f], [0.5f], ["cat", "dog", "fox"]);
        using (var guard = new FireGuard(model) { ModelInput = input }) guard.Save(_path, includeSamples: false);

        var read = GuardModelInput.ReadFrom(_path)!;
        Assert.Equal([0.25f], read.Mean);
        Assert.Equal([0.5f], read.Std);
        Assert.Equal(["cat", "dog", "fox"], read.ClassNames);
        Assert.Equal([0.25f], read.Normalization!.Mean);
        using var loaded = FireGuard.Load(_path, model);
        Assert.Equal(["cat", "dog", "fox"], loaded.ModelInput!.ClassNames);
        Assert.Equal([0.5f], loaded.ModelInput.Std);
    }

    [Fact]
    public void A_guard_for_a_Fire_checkpoint_records_none()
    {
        using var model = ToyLayeredModel.Identity(3);
        using (var guard = new FireGuard(model)) guard.Save(_path, includeSamples: false);
        Assert.Null(GuardModelInput.ReadFrom(_path));
        using var loaded = FireGuard.Load(_path, model);
        Assert.Null(loaded.ModelInput);
    }

    [Fact]
    public void Class_names_alone_leave_the_normalisation_out()
    {
        var input = new GuardModelInput(null, null, ["a", "b"]);
        Assert.Null(input.Normalization);
    }

    [Fact]
    public void A_missing_or_unreadable_file_is_named()
    {
        Assert.Contains(_path, Assert.Throws<FileNotFoundException>(() => GuardModelInput.ReadFrom(_path)).Message);
        File.WriteAllText(_path, "{ not json");
        Assert.Contains(_path, Assert.Throws<InvalidDataException>(() => GuardModelInput.ReadFrom(_path)).Message);
    }
}
