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

    /// <summary>A fresh folder for one case of one test family, under the fixture's folder.</summary>
    public string Case(string family, string name)
    {
        string folder = Path.Combine(Folder, family, name);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Runs <c>fire</c> and expects a refusal: exit 1, a message naming <paramref name="names"/>'s file and saying
    /// <paramref name="expected"/>, and no stack trace.</summary>
    public static void Refused(string names, string expected, params string[] args)
    {
        var (code, output) = CliRunner.Run(args);
        string text = output.Replace("\n", "");
        Assert.True(code == 1, output);
        Assert.Contains(Path.GetFileName(names), text);
        Assert.Contains(expected, text);
        Assert.DoesNotContain("   at ", output);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

[CollectionDefinition(FaultFixture.Collection)]
public sealed class FaultCollection : ICollectionFixture<FaultFixture>;
