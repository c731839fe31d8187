namespace Fire.Data.Tests;

public class DataLocatorTests
{
    /// <summary>repo/ (with Fire.slnx) and shared/data beside it, plus two other data folders.</summary>
    sealed class Layout : IDisposable
    {
        public readonly TempFolder Folder = new();

        public Layout()
        {
            Folder.Write("repo/Fire.slnx", "<Solution />");
            Directory.CreateDirectory(Folder["repo/src/deep"]);
            Directory.CreateDirectory(Folder["shared/data"]);
            Directory.CreateDirectory(Folder["option"]);
            Directory.CreateDirectory(Folder["environment"]);
        }

        public void Dispose() => Folder.Dispose();
    }

    [Fact]
    public void TheOptionWinsOverTheEnvironmentWhichWinsOverSharedData()
    {
        using var layout = new Layout();
        var f = layout.Folder;
        string[] starts = [f["repo/src/deep"]];
        Assert.Equal(f["option"], DataLocator.Resolve(f["option"], f["environment"], starts));
        Assert.Equal(f["environment"], DataLocator.Resolve(null, f["environment"], starts));
        Assert.Equal(f["shared/data"], DataLocator.Resolve(null, null, starts));
        Assert.Equal(f["shared/data"], DataLocator.Resolve("", " ", [f["option"], f["repo"]])); // first start has no repository
    }

    [Fact]
    public void AGitFolderMarksTheRepositoryToo()
    {
        using var layout = new Layout();
        Directory.CreateDirectory(layout.Folder["other/.git"]);
        Directory.CreateDirectory(layout.Folder["other/x"]);
        Assert.Equal(layout.Folder["other"], DataLocator.FindRepositoryRoot(layout.Folder["other/x"]));
    }

    [Fact]
    public void NothingFoundIsAClearErrorWithTheDownloadAddresses()
    {
        using var layout = new Layout();
        Directory.Delete(layout.Folder["shared/data"]);
        var e = Assert.Throws<DirectoryNotFoundException>(() => DataLocator.Resolve(null, null, [layout.Folder["repo/src"]]));
        Assert.Contains("--data", e.Message);
        Assert.Contains("FIRE_DATA", e.Message);
        Assert.Contains("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", e.Message);
        Assert.Contains("https://benchmark.ini.rub.de/gtsrb_dataset.html", e.Message);
        Assert.Contains("https://yann.lecun.com/exdb/mnist/", e.Message);
        Assert.Contains("https://github.com/zalandoresearch/fashion-mnist", e.Message);
    }

    [Fact]
    public void AGivenFolderThatDoesNotExistIsAnError()
    {
        using var layout = new Layout();
        var option = Assert.Throws<DirectoryNotFoundException>(() => DataLocator.Resolve(layout.Folder["missing"], null, []));
        Assert.Contains(layout.Folder["missing"], option.Message);
        Assert.Contains("--data", option.Message);
        var environment = Assert.Throws<DirectoryNotFoundException>(() => DataLocator.Resolve(null, layout.Folder["gone"], []));
        Assert.Contains("$FIRE_DATA", environment.Message);
    }

    [Fact]
    public void ThisRepositoryFindsItsSharedData()
    {
        string? repository = DataLocator.FindRepositoryRoot(AppContext.BaseDirectory);
        Assert.NotNull(repository);
        Assert.True(File.Exists(Path.Combine(repository, "Fire.slnx")) || Directory.Exists(Path.Combine(repository, ".git")));
        _ = RealData.Root; // fails with a clear message when neither FIRE_DATA nor ../shared/data is there
    }
}
