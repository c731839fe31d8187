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
    public void ANonPositiveImageSizeIsRejected()
    {
        Assert.Throws<ArgumentException>(() => Datasets.Load("mnist", RealData.Root, new DataLoadOptions { ImageSize = 0 }));
    }
}
