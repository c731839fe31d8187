namespace Fire.Core.Tests.Files;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fire-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string P(string name) => Path.Combine(_folder, name);

    private static Action<Stream> Text(string text) => stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public void A_group_is_replaced_whole_and_a_null_part_removed()
    {
        AtomicFile.WriteAll([(P("m.pt"), Text("w1")), (P("m.pt.optim"), Text("o1")), (P("m.pt.json"), Text("s1"))]);
        AtomicFile.WriteAll([(P("m.pt"), Text("w2")), (P("m.pt.optim"), null), (P("m.pt.json"), Text("s2"))]);
        Assert.Equal("w2", File.ReadAllText(P("m.pt")));
        Assert.False(File.Exists(P("m.pt.optim")));
        Assert.Equal("s2", File.ReadAllText(P("m.pt.json")));
        Assert.Equal(new[] { "m.pt", "m.pt.json" }, Directory.GetFiles(_folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_failed_part_leaves_the_previous_group_and_no_temporary()
    {
        AtomicFile.WriteAll([(P("m.pt"), Text("w1")), (P("m.pt.json"), Text("s1"))]);
        Assert.Throws<IOException>(() => AtomicFile.WriteAll([(P("m.pt"), Text("w2")), (P("m.pt.json"), _ => throw new IOException("disk full"))]));
        Assert.Equal("w1", File.ReadAllText(P("m.pt")));
        Assert.Equal("s1", File.ReadAllText(P("m.pt.json")));
        Assert.Equal(2, Directory.GetFiles(_folder).Length);
    }

    [Fact]
    public void A_committed_journal_left_by_a_killed_run_is_completed_by_the_next_reader()
    {
        File.WriteAllText(P("m.pt"), "w1");
        File.WriteAllText(P("m.pt.json"), "s1");
        // As a run killed right after its commit point leaves it: staged parts and the journal, nothing renamed yet.
        string weights = P($"m.pt.999999.{Guid.NewGuid():N}.tmp"), sidecar = P($"m.pt.json.999999.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(weights, "w2");
        File.WriteAllText(sidecar, "s2");
        File.WriteAllText(P("m.pt.commit"), $"rename\t{Path.GetFileName(weights)}\tm.pt\nrename\t{Path.GetFileName(sidecar)}\tm.pt.json\nend\n");
        File.Move(sidecar, P("m.pt.json"), overwrite: true); // and one rename had happened

        AtomicFile.Recover(P("m.pt"), P("m.pt.json"));
        Assert.Equal("w2", File.ReadAllText(P("m.pt")));
        Assert.Equal("s2", File.ReadAllText(P("m.pt.json")));
        Assert.Equal(new[] { "m.pt", "m.pt.json" }, Directory.GetFiles(_folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Temporaries_of_dead_writers_are_removed_and_those_of_live_ones_kept()
    {
        string dead = P($"m.pt.999999.{Guid.NewGuid():N}.tmp"), live = P($"m.pt.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        string other = P($"other.999999.{Guid.NewGuid():N}.tmp");
        foreach (var path in new[] { dead, live, other }) File.WriteAllText(path, "x");
        AtomicFile.RemoveDeadTemporaries(P("m.pt"));
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other)); // another file's temporaries are not this group's business
        Assert.True(AtomicFile.IsTemporary(live));
        Assert.False(AtomicFile.IsTemporary(P("m.pt")));
    }

    [Fact]
    public void A_damaged_journal_is_an_error_naming_it()
    {
        File.WriteAllText(P("m.pt.commit"), "rename\ta\tb\n"); // no end line
        var error = Assert.Throws<InvalidDataException>(() => AtomicFile.Recover(P("m.pt")));
        Assert.Contains("m.pt.commit", error.Message);
    }
}
