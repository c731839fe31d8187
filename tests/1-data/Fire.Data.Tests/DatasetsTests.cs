namespace Fire.Data.Tests;

public class DatasetsTests
{
    [Fact]
    public void KnowsFourDataSets()
    {
        Assert.Equal(["cifar10", "gtsrb", "mnist", "fashion-mnist"], Datasets.Names);
    }

    [Theory]
    [InlineData("cifar10", 4, true)]
    [InlineData("CIFAR-10", 4, true)]
    [InlineData("cifar10/train", 4, true)]
    [InlineData("gtsrb", 4, false)]
    [InlineData("gtsrb/test", 4, false)]
    [InlineData("mnist", 2, false)]
    [InlineData("fashion_mnist/train", 2, false)]
    [InlineData("my-pets", 4, true)]
    public void DefaultAugmentationFlipsOnlyMirrorSymmetricData(string name, int padding, bool flip)
    {
        Assert.Equal(new Augmentation(padding, flip), Datasets.DefaultAugmentation(name));
    }

    [Fact]
    public void LocatesTheSharedCopies()
    {
        string root = RealData.Root;
        Assert.Equal(new DatasetLocation("cifar10", "image-folder", Path.Combine(root, "cifar10", "cifar10-images.tar.gz")),
                     Datasets.Locate("cifar10", root));
        Assert.Equal(new DatasetLocation("gtsrb", "gtsrb", Path.Combine(root, "gtsrb")), Datasets.Locate("gtsrb", root));
        Assert.Equal(new DatasetLocation("mnist", "idx", Path.Combine(root, "mnist")), Datasets.Locate("mnist", root));
        Assert.Equal(new DatasetLocation("fashion-mnist", "idx", Path.Combine(root, "fashion-mnist")), Datasets.Locate("fashion-mnist", root));
        // --data may also point straight at one data set's folder.
        Assert.Equal("idx", Datasets.Locate("mnist", Path.Combine(root, "mnist")).Format);
    }

    [Fact]
    public void AReferenceKeepsKnownNamesAndMakesPathsFull()
    {
        using var folder = new TempFolder();
        folder.Write("pets/cat/1.ppm", "P6 1 1 255 abc");
        Assert.Equal("cifar10", Datasets.Reference("CIFAR-10"));
        Assert.Equal("fashion-mnist", Datasets.Reference("Fashion_MNIST", folder.Path)); // a name needs no folder to exist
        Assert.Equal(folder["pets"], Datasets.Reference(folder["pets"]));
        Assert.Equal(folder["pets"], Datasets.Reference("pets", folder.Path)); // relative to the data folder
        var missing = Assert.Throws<DirectoryNotFoundException>(() => Datasets.Reference("no-such-set", folder.Path));
        Assert.Contains("'no-such-set' is neither a known data set", missing.Message);
    }

    [Fact]
    public void ASplitIsNamedAfterItsDataSet()
    {
        var train = new ImageDataset("pets/train", [1, 2], [0, 1], ["cat", "dog"], 1, 1, 1);
        var test = new ImageDataset("pets/test", [3], [1], ["cat", "dog"], 1, 1, 1);
        Assert.Equal("pets", new DataSplit(train, test, new Normalization([0f], [1f])).Name);
    }

    [Fact]
    public void ANonPositiveImageSizeIsRejected()
    {
        Assert.Throws<ArgumentException>(() => Datasets.Load("mnist", RealData.Root, new DataLoadOptions { ImageSize = 0 }));
    }
}
