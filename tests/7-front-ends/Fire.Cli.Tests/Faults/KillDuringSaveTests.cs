using System.Diagnostics;
using Fire.Engines.Torch;
using Fire.Guard;
using Fire.Training;
using Xunit.Abstractions;

namespace Fire.Cli.Tests.Faults;

/// <summary>
/// kill -9 of a real `fire` child at random moments of a training that saves its checkpoint (weights, optimizer state,
/// sidecar) after every tiny epoch, and of guard updates; every interrupted training resumed to its end must hold the
/// uninterrupted run's weights bit for bit, every interrupted guard must load as the old or the new guard.
/// Bounded: <see cref="Kills"/> kills or <see cref="Budget"/>, whichever comes first (FIRE_FAULT_KILLS, FIRE_FAULT_SECONDS).
/// </summary>
[Collection(FaultFixture.Collection)]
[Trait(TestCategories.Name, TestCategories.Slow)]
public sealed class KillDuringSaveTests(FaultFixture fixture, ITestOutputHelper log)
{
    private static readonly int Kills = int.TryParse(Environment.GetEnvironmentVariable("FIRE_FAULT_KILLS"), out int k) ? k : 10; // the 50 kills of the acceptance are SaveKillTests's
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("FIRE_FAULT_SECONDS"), out int s) ? s : 180);

    [Fact]
    public void Trainings_killed_at_random_moments_resume_to_the_uninterrupted_weights()
    {
        string folder = Path.Combine(fixture.Folder, "killed-training");
        string model = Path.Combine(folder, "m.pt");
        byte[] expected = File.ReadAllBytes(fixture.Reference);
        var random = new Random(2026);
        var clock = Stopwatch.StartNew();
        int kills = 0, resumed = 0, completed = 0, consistentAfterKill = 0;
        while (kills < Kills && clock.Elapsed < Budget)
        {
            if (Finished(model))
            {
                Assert.Equal(expected, File.ReadAllBytes(model)); // a chain of killed runs ended exactly as the uninterrupted one
                completed++;
                Directory.Delete(folder, recursive: true);
            }
            bool resume = File.Exists(model) || File.Exists(model + AtomicFile.JournalSuffix);
            using var child = FireProcess.Start(resume ? ["train", "--resume", model, "--threads", "1"] : fixture.TrainArgs(model));
            resumed += resume ? 1 : 0;
            // Aim at the saves: once training has started (its first progress line), a random moment within the next few epochs.
            var training = new TaskCompletionSource();
            child.OutputDataReceived += (_, line) => { if (line.Data?.Contains("epoch ") == true) training.TrySetResult(); };
            child.ErrorDataReceived += (_, _) => { };
            child.BeginOutputReadLine();
            child.BeginErrorReadLine();
            training.Task.Wait(TimeSpan.FromSeconds(fixture.ReferenceSeconds * 2));
            Thread.Sleep(TimeSpan.FromSeconds(random.NextDouble() * 1.5));
            if (child.HasExited) continue; // it finished before the chosen moment
            FireProcess.Kill9(child);
            kills++;
            if (File.Exists(model) || File.Exists(model + AtomicFile.JournalSuffix))
            {
                var info = Checkpoint.ReadInfo(model); // completes a committed save; never a mix of two
                (var net, _) = Checkpoint.Load(model);
                net.Dispose();
                if (info.OptimizerState is not null) Assert.True(File.Exists(model + Checkpoint.OptimizerSuffix));
                consistentAfterKill++;
            }
        }
        var (code, output) = FireProcess.Run(File.Exists(model) ? ["train", "--resume", model, "--threads", "1"] : fixture.TrainArgs(model));
        if (!Finished(model)) Assert.True(code == 0, output);
        Assert.Equal(expected, File.ReadAllBytes(model));
        completed++;
        Assert.Empty(Directory.GetFiles(folder, "*.tmp")); // a killed run's temporaries are removed by the next one
        Assert.False(File.Exists(model + AtomicFile.JournalSuffix));
        log.WriteLine($"{kills} kills ({consistentAfterKill} left a checkpoint, checked whole), {resumed} resumes, {completed} trainings ended bit for bit as the reference, in {clock.Elapsed.TotalSeconds:F0} s (reference run {fixture.ReferenceSeconds:F1} s).");
        Assert.True(kills >= Math.Min(Kills, 10), $"only {kills} kills fitted in the time budget");
    }

    [Fact]
    public void Guard_updates_killed_at_random_moments_leave_the_old_or_the_new_guard()
    {
        string guard = Path.Combine(fixture.Folder, "killed-guard", "g.fire");
        Directory.CreateDirectory(Path.GetDirectoryName(guard)!);
        File.Copy(fixture.Guard, guard);
        string more = fixture.FlaggedFolder("more-killed", 3, 5);
        int before = ObservedCount(guard), now = before;
        var random = new Random(37);
        var clock = Stopwatch.StartNew();
        int kills = 0;
        while (kills < 10 && clock.Elapsed < Budget / 3)
        {
            using var child = FireProcess.Start("guard", "observe", "--model", fixture.Reference, "--guard", guard, "--flagged", more, "--threads", "1");
            FireProcess.Drain(child);
            Thread.Sleep(TimeSpan.FromSeconds(random.NextDouble() * fixture.ReferenceSeconds));
            if (!child.HasExited) { FireProcess.Kill9(child); kills++; }
            int count = ObservedCount(guard); // loads, checksum and all
            Assert.True(count == now || count == now + 3, $"after a kill the guard holds {count} flagged images, not {now} or {now + 3}");
            now = count;
        }
        var (code, output) = FireProcess.Run("guard", "observe", "--model", fixture.Reference, "--guard", guard, "--flagged", more, "--threads", "1");
        Assert.True(code == 0, output);
        Assert.Equal(now + 3, ObservedCount(guard));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(guard)!, "*.tmp"));
        log.WriteLine($"{kills} kills of guard updates; the guard went from {before} to {now + 3} flagged images, loadable after every kill.");
    }

    [Fact]
    public void Two_concurrent_observers_count_every_flagged_image()
    {
        string guard = Path.Combine(fixture.Folder, "concurrent", "g.fire");
        Directory.CreateDirectory(Path.GetDirectoryName(guard)!);
        File.Copy(fixture.Guard, guard);
        string first = fixture.FlaggedFolder("first", 4, 11), second = fixture.FlaggedFolder("second", 5, 12);
        int before = ObservedCount(guard);
        using var a = FireProcess.Start("guard", "observe", "--model", fixture.Reference, "--guard", guard, "--flagged", first, "--threads", "1");
        using var b = FireProcess.Start("guard", "observe", "--model", fixture.Reference, "--guard", guard, "--flagged", second, "--threads", "1");
        var outputs = new[] { a, b }.Select(p => (Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync())).ToArray();
        Assert.True(a.WaitForExit(TimeSpan.FromMinutes(3)) && b.WaitForExit(TimeSpan.FromMinutes(3)), "the observers did not end");
        Assert.True(a.ExitCode == 0, outputs[0].Out.Result + outputs[0].Err.Result);
        Assert.True(b.ExitCode == 0, outputs[1].Out.Result + outputs[1].Err.Result);
        Assert.Equal(before + 4 + 5, ObservedCount(guard));
    }

    private static bool Finished(string model) =>
        File.Exists(model) && Checkpoint.ReadInfo(model) is { OptimizerState: null, EpochsDone: FaultFixture.Epochs };

    private int ObservedCount(string guard)
    {
        var (net, _) = Checkpoint.Load(fixture.Reference);
        using var model = new TorchLayeredModel(net, ownsNet: true);
        using var loaded = FireGuard.Load(guard, model);
        return loaded.ObservedCount;
    }
}
