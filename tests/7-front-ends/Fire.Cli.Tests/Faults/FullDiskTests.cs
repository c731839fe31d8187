using System.Diagnostics;
using Xunit.Abstractions;

namespace Fire.Cli.Tests.Faults;

/// <summary>
/// A full file system (a 1 MiB tmpfs, where this machine lets the tests mount one): a save that runs out of space is an
/// error line naming the path, no temporary is left behind, and no half-written file takes the checkpoint's name.
/// </summary>
[Collection(FaultFixture.Collection)]
[Trait(TestCategories.Name, TestCategories.Slow)]
public sealed class FullDiskTests(FaultFixture fixture, ITestOutputHelper log)
{
    [Fact]
    public void A_save_onto_a_full_file_system_fails_cleanly()
    {
        string mount = Path.Combine(fixture.Folder, "full-disk");
        Directory.CreateDirectory(mount);
        if (Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount) != 0)
        {
            log.WriteLine("Skipped: this machine does not let the tests mount a small tmpfs (root or CAP_SYS_ADMIN needed).");
            return;
        }
        try
        {
            string model = Path.Combine(mount, "m.pt");
            var (code, output) = FireProcess.Run(fixture.TrainArgs(model));
            Assert.True(code == 1, output);
            Assert.Contains("No space left on device", output.Replace("\n", ""));
            Assert.DoesNotContain("   at ", output);
            Assert.Empty(Directory.GetFiles(mount, "*.tmp"));
            Assert.False(File.Exists(model) && !File.Exists(model + ".json"), "weights without their sidecar");
        }
        finally
        {
            Command("umount", mount);
        }
    }

    private static int Command(string name, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(name, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception) { return -1; }
    }
}
