namespace Fire.Core.Tests.Files;

public sealed class FileLockTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fire-lock-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_second_writer_fails_naming_the_holder_and_gets_the_lock_once_released()
    {
        string guard = Path.Combine(_folder, "g.fire");
        using (FileLock.Acquire(guard, TimeSpan.Zero))
        {
            var error = Assert.Throws<IOException>(() => FileLock.Acquire(guard, TimeSpan.FromMilliseconds(300)));
            Assert.Contains($"process {Environment.ProcessId}", error.Message);
            Assert.Contains("g.fire.lock", error.Message);
        }
        using var again = FileLock.Acquire(guard, TimeSpan.Zero);
    }

    [Fact]
    public void A_waiting_writer_is_told_once_and_proceeds_when_the_holder_ends()
    {
        string guard = Path.Combine(_folder, "g.fire");
        var holder = FileLock.Acquire(guard, TimeSpan.Zero);
        var messages = new List<string>();
        var release = Task.Run(async () => { await Task.Delay(400); holder.Dispose(); });
        using (FileLock.Acquire(guard, TimeSpan.FromSeconds(30), messages.Add)) { }
        release.Wait();
        Assert.Single(messages);
        Assert.Contains("waiting", messages[0]);
    }
}
