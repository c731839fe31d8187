using System.Globalization;
using System.Text.RegularExpressions;
using Fire.Attacks;
using Fire.Data.Imaging;
using Fire.Training;

namespace Fire.Cli.Tests.GuardCommands;

/// <summary>
/// A user's workflow with image files: export clean images, trigger them with a saved attack (the flagged samples), fit a
/// guard on them, classify triggered test images with it; on the small BadNets MNIST model of <see cref="BackdooredMnist"/>.
/// </summary>
[Collection(BackdooredMnist.Collection)]
[Trait(TestCategories.Name, TestCategories.Slow)]
public class GuardCommandTests(BackdooredMnist backdoor)
{
    private string Folder(string name) => Path.Combine(backdoor.Folder, name);

    private (int Code, string Output) Run(params string[] args) => CliRunner.Run([.. args, "--data", CliRunner.DataRoot]);

    /// <summary>A seeded draw of MNIST images as PNG files: of the non-target classes, or of <paramref name="onlyClass"/>.</summary>
    private string[] Export(string name, string split, int count, int seed, int? onlyClass = null)
    {
        string[] classes = onlyClass is int c ? ["--classes", $"{c}"] : ["--exclude", "0"];
        var (code, output) = Run(["data", "export", "mnist", "--split", split, "--count", $"{count}", .. classes, "--seed", $"{seed}", "--out", Folder(name)]);
        Assert.True(code == 0, output);
        return Directory.GetFiles(Folder(name), "*.png", SearchOption.AllDirectories);
    }

    private void Trigger(string from, string to)
    {
        var (code, output) = Run("attack", "apply", Folder(from), "--from", backdoor.Checkpoint, "--out", Folder(to));
        Assert.True(code == 0, output);
    }

    /// <summary>`guard fit` (100 clean reference images) on 40 exported training images carrying the trigger; the guard file and the output.</summary>
    private (string Guard, string Output) FitOnTriggered(string name, int seed)
    {
        Export($"{name}-clean", "train", 40, seed);
        Trigger($"{name}-clean", $"{name}-flagged");
        string guard = Folder($"{name}-guard.json");
        var (code, output) = Run("guard", "fit", "--model", backdoor.Checkpoint, "--flagged", Folder($"{name}-flagged"), "--clean", "100", "--out", guard);
        Assert.True(code == 0, output);
        return (guard, output);
    }

    [Fact]
    public void DataExportWritesASeededDrawIntoLabelledClassFolders()
    {
        var files = Export("export", "test", 12, seed: 5);
        Assert.Equal(12, files.Length);
        var folders = files.Select(f => Path.GetFileName(Path.GetDirectoryName(f))!).ToList();
        Assert.All(folders, name => Assert.Matches(@"^0[1-9]-\d", name)); // MNIST classes are "0".."9": label, dash, name
        Assert.DoesNotContain(folders, name => name.StartsWith("00-"));
        Assert.All(files, f => Assert.StartsWith("test-", Path.GetFileName(f)));
        Assert.Equal((1, 28, 28), ImageDecoder.Load(files[0]) is var image ? (image.Channels, image.Height, image.Width) : default);
        Assert.Equal(files.Select(Path.GetFileName).Order(), Export("export-again", "test", 12, seed: 5).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void AttackApplyWritesTheTriggeredImagesUnderTheirOwnNames()
    {
        var clean = Export("apply-clean", "test", 4, seed: 1);
        Trigger("apply-clean", "apply-triggered");
        foreach (string file in clean)
        {
            string triggered = Path.Combine(Folder("apply-triggered"), Path.GetRelativePath(Folder("apply-clean"), file));
            var before = ImageDecoder.Load(file).Pixels;
            var after = ImageDecoder.Load(triggered).Pixels;
            // BadNets' default: a 3x3 white square in the bottom-right corner, the rest untouched.
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++)
                    Assert.Equal(y >= 25 && x >= 25 ? (byte)255 : before[y * 28 + x], after[y * 28 + x]);
        }
    }

    [Fact]
    public void AGuardFittedOnFlaggedFilesRepairsTriggeredInputs()
    {
        var (guard, output) = FitOnTriggered("fit", seed: 2);
        Assert.Contains("40 flagged images", output);
        Assert.Contains("the estimated target", output);
        Assert.Contains("Chosen from the clean reference and the observed samples only", output);
        Assert.True(File.Exists(guard));

        Export("predict-clean", "test", 30, seed: 3);
        Trigger("predict-clean", "predict-triggered");
        string csv = Folder("predictions.csv");
        (int code, output) = Run("guard", "predict", "--model", backdoor.Checkpoint, "--guard", guard, Folder("predict-triggered"), "--show", "3", "--csv", csv);
        Assert.True(code == 0, output);
        Assert.Contains("(27 more rows in the CSV)", output);
        var rows = File.ReadAllLines(csv);
        Assert.Equal("file,model_label,model_class,fire_label,fire_class,score", rows[0]);
        Assert.Equal(31, rows.Length);
        // Triggered inputs the model sends to the target (0) mostly leave it with the guard.
        var labels = rows[1..].Select(r => r.Split(',')).Select(c => (Model: int.Parse(c[1]), Fire: int.Parse(c[3]))).ToList();
        int onTarget = labels.Count(l => l.Model == 0), stillOnTarget = labels.Count(l => l.Fire == 0);
        Assert.True(onTarget >= 15 && stillOnTarget <= onTarget / 3, $"{onTarget} on the target without the guard, {stillOnTarget} with it");
    }

    /// <summary>
    /// <c>fire eval --guard</c>: one table, the model's own figures (those its sidecar holds, measured once) beside the
    /// guarded model's, whose repair takes the triggered test images off the target.
    /// </summary>
    [Fact]
    public void EvalWithAGuardSetsTheGuardedFiguresBesideTheModelsOwn()
    {
        var (guard, _) = FitOnTriggered("eval", seed: 6);
        var (code, output) = Run("eval", backdoor.Checkpoint, "--guard", guard);
        Assert.True(code == 0, output);
        var own = AttackMetrics.From(Checkpoint.ReadInfo(backdoor.Checkpoint).Metrics)!;
        var asrRow = Figures(output, "ASR (attack success rate)");
        Assert.Equal(2, asrRow.Length);
        Assert.Equal($"{own.AttackSuccessRate:P2}", asrRow[0]);
        Assert.True(Percent(asrRow[1]) < Percent(asrRow[0]) / 3, output); // about 99% without the guard
        Assert.Equal($"{own.CleanAccuracy:P2}", Figures(output, "CA (clean accuracy)")[0]);
        Assert.Equal($"{own.CleanToTarget!.Value:P2}", Figures(output, "clean to target")[0]);
        Assert.Contains("FIRE: ", output); // the plan, under the table
        Assert.Contains("estimated target 0", output);
        Assert.Single(output.Split('\n'), line => line.Contains("ASR")); // the model is not measured in a table of its own too
    }

    /// <summary>The percentages in the table row that starts with <paramref name="metric"/>.</summary>
    private static string[] Figures(string output, string metric) =>
        Regex.Matches(output.Split('\n').Single(line => line.Contains($"│ {metric}")), @"\d+\.\d\d\s?%").Select(m => m.Value).ToArray();

    private static double Percent(string figure) => double.Parse(figure.TrimEnd('%', ' ', '\u00a0'), CultureInfo.InvariantCulture);

    /// <summary>False flags: clean images of one class look like the clean reference's images of it at every layer, so nothing is repaired.</summary>
    [Fact]
    public void FlaggedFilesOfOneCleanClassGetNoRepair()
    {
        Export("false-flags", "train", 40, seed: 5, onlyClass: 3);
        var (code, output) = Run("guard", "fit", "--model", backdoor.Checkpoint, "--flagged", Folder("false-flags"), "--clean", "200", "--out", Folder("false-flags.json"));
        Assert.True(code == 0, output);
        Assert.Contains("predicted as class 3 look like the clean reference's", output);
        Assert.Contains("no trigger to repair", output);
        Assert.Contains("Plan: no repair", output);

        (code, output) = Run("guard", "fit", "--model", backdoor.Checkpoint, "--flagged", Folder("false-flags"), "--clean", "200", "--target-likeness", "0", "--out", Folder("false-flags-untested.json"));
        Assert.True(code == 0, output);
        Assert.DoesNotContain("no trigger to repair", output);
    }

    [Fact]
    public void ASavedGuardKeepsLearningFromMoreFlaggedFiles()
    {
        Export("observe-first", "train", 10, seed: 4);
        Export("observe-more", "train", 10, seed: 5);
        Trigger("observe-first", "observe-first-flagged");
        Trigger("observe-more", "observe-more-flagged");
        string guard = Folder("observed.json"), updated = Folder("observed-more.json");
        var (code, output) = Run("guard", "fit", "--model", backdoor.Checkpoint, "--flagged", Folder("observe-first-flagged"), "--clean", "100", "--out", guard);
        Assert.True(code == 0, output);

        (code, output) = Run("guard", "observe", "--model", backdoor.Checkpoint, "--guard", guard, "--flagged", Folder("observe-more-flagged"), "--out", updated);
        Assert.True(code == 0, output);
        Assert.Contains("k = 10:", output);
        Assert.Contains("Chosen from the clean reference and the observed samples only: k = 20", output); // doubled: chosen again
        Assert.Contains("(estimated target 0, k = 20)", output);
        Assert.Empty(Directory.GetFiles(backdoor.Folder, "*.tmp"));

        // In place by default.
        (code, output) = Run("guard", "observe", "--model", backdoor.Checkpoint, "--guard", updated, "--flagged", Folder("observe-first-flagged"));
        Assert.True(code == 0, output);
        Assert.Contains("k = 30", output);
    }

    [Fact]
    public void BadInputIsOneClearLine()
    {
        Assert.Contains("--flagged is required", Run("guard", "fit", "--model", backdoor.Checkpoint).Output);
        Assert.Contains($"Not found: {Folder("nowhere")}", Run("guard", "fit", "--model", backdoor.Checkpoint, "--flagged", Folder("nowhere")).Output);
        Directory.CreateDirectory(Folder("broken"));
        File.WriteAllText(Folder("broken/bad.png"), "not an image");
        var (code, output) = Run("guard", "fit", "--model", backdoor.Checkpoint, "--flagged", Folder("broken"));
        Assert.Equal(1, code);
        Assert.Contains("bad.png: cannot decode image", output);
        Assert.Contains("--exclude takes class labels 0..9", Run("data", "export", "mnist", "--exclude", "10", "--out", Folder("x")).Output);
        Assert.Contains("--target-likeness lies in [0, 1), got 1.", Run("guard", "fit", "--model", backdoor.Checkpoint, "--flagged", Folder("x"), "--target-likeness", "1").Output);
        Assert.Contains("--guard is required", Run("guard", "predict", "--model", backdoor.Checkpoint, Folder("broken")).Output);

        Export("clash-a", "test", 2, seed: 7);
        var (_, clash) = Run("attack", "apply", Folder("clash-a"), Folder("clash-a"), "--from", backdoor.Checkpoint, "--out", Folder("clash-out"));
        Assert.Contains("would both be written to", clash);
        Assert.False(Directory.Exists(Folder("clash-out")));
    }
}
