namespace Fire.Cli.Tests;

/// <summary>
/// A small BadNets MNIST model (2 epochs on 2,000 images, batch 32: ASR about 99%, CA about 96%), trained once for every
/// test class of its collection; each class works in its own sub-folders of <see cref="Folder"/>.
/// </summary>
public sealed class BackdooredMnist : IDisposable
{
    public const string Collection = "backdoored MNIST";

    public BackdooredMnist()
    {
        Folder = Directory.CreateTempSubdirectory("fire-cli-backdoor-").FullName;
        Checkpoint = Path.Combine(Folder, "mnist-badnets.pt");
        var (code, output) = CliRunner.Run("attack", "--dataset", "mnist", "--attack", "badnets", "--epochs", "2", "--subset", "2000", "--batch-size", "32",
            "--data", CliRunner.DataRoot, "--out", Checkpoint);
        if (code != 0) throw new InvalidOperationException(output);
    }

    public string Folder { get; }
    public string Checkpoint { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

[CollectionDefinition(BackdooredMnist.Collection)]
public sealed class BackdooredMnistCollection : ICollectionFixture<BackdooredMnist>;
