using System.Diagnostics;
using System.Globalization;
using Fire.Training;
using Xunit.Abstractions;

namespace Fire.Cli.Tests.Faults;

/// <summary>
/// The acceptance trial of issue 37: a save killed (SIGKILL) at <see cref="Kills"/> seeded random moments, each followed by
/// a load and a resume. The child, <c>fire-save-loop</c> (tests/3-training/Fire.Training.SaveLoop), is a tiny training
/// that saves its training state with <see cref="Checkpoint.Save"/> after every one-step epoch, so most of its time is
/// spent in saves and a kill costs one process start, not a whole training; the next children are started (and warm up)
/// while the current one runs, so the kills do not wait for process starts either. Each kill is aimed at a save: the
/// child announces each save as it begins, and the kill comes at a seeded random moment of a save's duration (measured by
/// the uninterrupted run) after one of the next three announcements. After every kill the state on disk must be,
/// byte for byte, the weights and optimizer state of one complete save of the uninterrupted run (never a mix, never
/// older than the last save seen); every chain of killed and resumed runs must end with the uninterrupted run's weights.
/// </summary>
[Collection(FaultFixture.Collection)]
[Trait(TestCategories.Name, TestCategories.Slow)]
public sealed class SaveKillTests(ITestOutputHelper log)
{
    private const int Kills = 50;
    private const int Epochs = 40;
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "fire-save-loop.dll");
    private const int Ahead = 2; // children started before they are needed
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2); // for one child to reach its first save; a hang guard

    [Fact]
    public void Saves_killed_at_50_random_moments_load_whole_and_resume_to_the_uninterrupted_weights()
    {
        using var temp = new TempFolder("fire-save-kills-");
        string keep = Path.Combine(temp.Path, "reference");
        var clock = Stopwatch.StartNew();
        var reference = FireProcess.StartProgram(Program, Path.Combine(temp.Path, "uninterrupted", "m.pt"), $"{Epochs}", keep);
        string output = reference.StandardOutput.ReadToEnd() + reference.StandardError.ReadToEnd();
        reference.WaitForExit();
        Assert.True(reference.ExitCode == 0, output);
        double saveMs = double.Parse(output.Split(", ")[^1].Split(' ')[0], CultureInfo.InvariantCulture);
        log.WriteLine($"uninterrupted run: {clock.Elapsed.TotalSeconds:F1} s; {output.Trim().Split('\n')[^1]}");

        string folder = Path.Combine(temp.Path, "killed");
        string state = Path.Combine(folder, "m.pt") + TrainingState.Suffix;
        var random = new Random(37);
        int kills = 0, midSave = 0, resumes = 0, chains = 0, lastEpoch = 0;
        var waiting = new Queue<Child>(); // children started ahead, warmed up, waiting to be let go: a kill does not wait for a process start
        clock.Restart();
        try
        {
            while (kills < Kills)
            {
                while (waiting.Count < Ahead) waiting.Enqueue(new Child(Path.Combine(folder, "m.pt")));
                if (EpochsDone(state) == Epochs)
                {
                    AssertSameAsSave(state, keep, Epochs); // a chain of killed runs ended exactly as the uninterrupted one
                    chains++;
                    Directory.Delete(folder, recursive: true);
                    lastEpoch = 0;
                }
                resumes += lastEpoch > 0 ? 1 : 0;
                using var child = waiting.Dequeue();
                child.Go();
                // Aimed at a save: one of the child's next three saves (seeded), at a seeded random moment of the time a save takes.
                for (int skip = random.Next(3); skip >= 0 && !child.Process.HasExited; skip--)
                    Assert.True(child.NextSave(Patience) || child.Process.HasExited, $"fire-save-loop did not save within {Patience.TotalSeconds} s");
                Thread.Sleep(TimeSpan.FromMilliseconds(random.NextDouble() * saveMs));
                if (child.Process.HasExited) { Assert.True(child.Process.ExitCode == 0, $"fire-save-loop ended with exit code {child.Process.ExitCode}: {child.Errors}"); continue; } // it finished before the chosen moment
                FireProcess.Kill9(child.Process);
                kills++;
                // A chain just ended deleted the folder; a child killed before its first save has not made it again.
                if ((Directory.Exists(folder) && Directory.GetFiles(folder, "*.tmp").Length > 0) || File.Exists(state + AtomicFile.JournalSuffix)) midSave++; // caught inside a save

                int epoch = EpochsDone(state) ?? 0; // ReadInfo completes a save committed before the kill
                Assert.True(epoch >= lastEpoch, $"after kill {kills} the state holds epoch {epoch}, older than the {lastEpoch} saved before");
                if (epoch > 0) AssertSameAsSave(state, keep, epoch);
                lastEpoch = epoch;
            }
        }
        finally
        {
            foreach (var child in waiting) child.Dispose(); // their input closes: they end without touching the state
        }
        var (code, last) = Finish(Path.Combine(folder, "m.pt"));
        Assert.True(code == 0, last);
        AssertSameAsSave(state, keep, Epochs);
        chains++;
        Assert.Empty(Directory.GetFiles(folder, "*.tmp")); // a killed run's temporaries are removed by the next one
        Assert.False(File.Exists(state + AtomicFile.JournalSuffix));
        log.WriteLine($"{kills} kills ({midSave} inside a save: a temporary or the journal was on disk), {resumes} resumes, " +
                      $"{chains} chains ended bit for bit as the uninterrupted run, in {clock.Elapsed.TotalSeconds:F0} s.");
    }

    private static (int Code, string Output) Finish(string model)
    {
        using var child = FireProcess.StartProgram(Program, model, $"{Epochs}");
        var output = child.StandardOutput.ReadToEndAsync();
        var errors = child.StandardError.ReadToEndAsync();
        Assert.True(child.WaitForExit(Patience), "fire-save-loop did not finish");
        child.WaitForExit();
        return (child.ExitCode, output.Result + errors.Result);
    }

    /// <summary>A fire-save-loop started with --wait: warmed up, it waits for <see cref="Go"/>; <see cref="NextSave"/> waits for a save to begin.</summary>
    private sealed class Child : IDisposable
    {
        private readonly SemaphoreSlim _saves = new(0);
        private readonly System.Text.StringBuilder _errors = new();

        public Child(string model)
        {
            Process = FireProcess.StartProgram(Program, model, $"{Epochs}", "--wait");
            Process.OutputDataReceived += (_, line) => { if (line.Data?.StartsWith("saving ") == true) _saves.Release(); };
            Process.ErrorDataReceived += (_, line) => { lock (_errors) _errors.AppendLine(line.Data); };
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        public Process Process { get; }
        /// <summary>Waits until the child begins its next save not yet waited for; false when none began within <paramref name="limit"/>.</summary>
        public bool NextSave(TimeSpan limit)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < limit)
                if (_saves.Wait(TimeSpan.FromMilliseconds(200))) return true;
                else if (Process.HasExited) return false;
            return false;
        }
        public string Errors { get { lock (_errors) return _errors.ToString(); } }

        public void Go()
        {
            Process.StandardInput.WriteLine("go");
            Process.StandardInput.Flush();
        }

        public void Dispose()
        {
            try { Process.StandardInput.Close(); } catch (IOException) { } // it ended already
            if (!Process.WaitForExit(TimeSpan.FromSeconds(30))) FireProcess.Kill9(Process);
            Process.Dispose();
            _saves.Dispose();
        }
    }

    private static int? EpochsDone(string state) =>
        File.Exists(state) || File.Exists(state + AtomicFile.JournalSuffix) ? Checkpoint.ReadInfo(state).EpochsDone : null;

    /// <summary>The state's weights and optimizer state are those of the uninterrupted run's save after <paramref name="epoch"/>, and load.</summary>
    private static void AssertSameAsSave(string state, string keep, int epoch)
    {
        Assert.True(File.ReadAllBytes(Path.Combine(keep, $"epoch-{epoch}.pt")).AsSpan().SequenceEqual(File.ReadAllBytes(state)),
            $"the weights on disk are not those of save {epoch}");
        Assert.True(File.ReadAllBytes(Path.Combine(keep, $"epoch-{epoch}.pt.optim")).AsSpan().SequenceEqual(File.ReadAllBytes(state + Checkpoint.OptimizerSuffix)),
            $"the optimizer state on disk is not that of save {epoch}");
        var (net, _) = Checkpoint.Load(state);
        net.Dispose();
    }
}
