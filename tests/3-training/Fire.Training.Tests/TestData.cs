using Fire.Data;

namespace Fire.Training.Tests;

/// <summary>The real data sets the tests train on: FIRE_DATA, else ../shared/data beside the folder holding Fire.slnx.</summary>
internal static class TestData
{
    public static string Root => SharedFolders.Data;

    private static readonly Lazy<DataSplit> MnistSplit = new(() => Datasets.Load("mnist", Root));

    public static DataSplit Mnist => MnistSplit.Value;

    /// <summary>The first <paramref name="count"/> MNIST training images (a fixed, real subset).</summary>
    public static ImageDataset MnistTrain(int count) => Mnist.Train.Subset(Enumerable.Range(0, count).ToArray(), $"mnist/train[0..{count}]");

    public static ImageDataset MnistTest(int count) => Mnist.Test.Subset(Enumerable.Range(0, count).ToArray(), $"mnist/test[0..{count}]");
}
