using System.Diagnostics;

namespace Fire.Cli.Tests.Faults;

/// <summary>
/// What the fault tests share, made once: the tiny data set, an uninterrupted reference training (its weights and
/// duration), a guard fitted for it, and folders of flagged images.
/// </summary>
public sealed class FaultFixture : IDisposable
{
    public const string Collection = "faults";
    public const int Epochs = 12;

    public FaultFixture()
    {
        Folder = Directory.CreateTempSubdirectory("fire-faults-").FullName;
        Data = TinyImages.Write(Path.Combine(Folder, "tiny"), trainPerClass: 8, testPerClass: 8);
        Reference = Path.Combine(Folder, "reference", "m.pt");
        var clock = Stopwatch.StartNew();
        var (code, output) = FireProcess.Run(TrainArgs(Reference));
        ReferenceSeconds = clock.Elapsed.TotalSeconds;
        if (code != 0) throw new InvalidOperationException(output);

        Flagged = FlaggedFolder("flagged", 8, 1);
        Guard = Path.Combine(Folder, "reference", "guard.fire");
        (code, output) = FireProcess.Run("guard", "fit", "--model", Reference, "--flagged", Flagged, "--clean", "16", "--threads", "1", "--out", Guard);
        if (code != 0) throw new InvalidOperationException(output);
    }

    public string Folder { get; }
    public string Data { get; }
    public string Reference { get; }
    public double ReferenceSeconds { get; }
    public string Flagged { get; }
    public string Guard { get; }

    /// <summary>The training every kill trial repeats: deterministic (seeded, one thread), a save after each tiny epoch.</summary>
    public string[] TrainArgs(string output) =>
        ["train", "--dataset", Data, "--model", "small-cnn", "--epochs", $"{Epochs}", "--batch-size", "8", "--seed", "3", "--threads", "1", "--out", output];

    /// <summary>A folder of <paramref name="count"/> images of the "right" class, standing in for images flagged as poisoned.</summary>
    public string FlaggedFolder(string name, int count, int seed)
    {
        string folder = Path.Combine(Folder, name);
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        for (int i = 0; i < count; i++) File.WriteAllBytes(Path.Combine(folder, $"{i:D3}.pgm"), TinyImages.Pgm(random, left: false));
        return folder;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

[CollectionDefinition(FaultFixture.Collection)]
public sealed class FaultCollection : ICollectionFixture<FaultFixture>;
