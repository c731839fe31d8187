namespace Fire.Cli.Tests.Faults;

/// <summary>Every command that writes refuses an output that is, or lies inside, one of its inputs, and leaves the input as it was.</summary>
[Collection(FaultFixture.Collection)]
public sealed class OutputEqualsInputTests(FaultFixture fixture)
{
    private static (int Code, string Output) Fire(params string[] args) => CliRunner.Run(args);

    private void Refused(string keep, string expected, params string[] args)
    {
        byte[]? before = File.Exists(keep) ? File.ReadAllBytes(keep) : null;
        var entries = Directory.Exists(keep) ? Directory.GetFileSystemEntries(keep, "*", SearchOption.AllDirectories).Order().ToArray() : null;
        var (code, output) = Fire(args);
        Assert.True(code == 1, output);
        Assert.Contains(expected, output.Replace("\n", ""));
        Assert.DoesNotContain("   at ", output); // no stack trace
        if (before is not null) Assert.Equal(before, File.ReadAllBytes(keep));
        if (entries is not null) Assert.Equal(entries, Directory.GetFileSystemEntries(keep, "*", SearchOption.AllDirectories).Order().ToArray());
    }

    private string Copy(string path, string name)
    {
        string copy = Path.Combine(fixture.Folder, "outputs", name);
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(path, copy, overwrite: true);
        return copy;
    }

    [Fact]
    public void Attack_apply_into_its_input_folder_is_refused() =>
        Refused(fixture.Flagged, "is an input of this command", "attack", "apply", fixture.Flagged, "--from", fixture.Reference, "--out", fixture.Flagged);

    [Fact]
    public void Guard_predict_csv_over_the_model_is_refused() =>
        Refused(fixture.Reference, "is an input of this command", "guard", "predict", "--model", fixture.Reference, "--guard", fixture.Guard, "--csv", fixture.Reference, fixture.Flagged);

    [Fact]
    public void Guard_predict_csv_naming_a_folder_says_so() =>
        Refused(fixture.Flagged, "is a folder", "guard", "predict", "--model", fixture.Reference, "--guard", fixture.Guard, "--csv", fixture.Folder, fixture.Flagged);

    [Fact]
    public void Guard_fit_over_the_models_sidecar_is_refused() =>
        Refused(fixture.Reference + ".json", "is an input of this command", "guard", "fit", "--model", fixture.Reference, "--flagged", fixture.Flagged, "--threads", "1", "--out", fixture.Reference + ".json");

    [Fact]
    public void Guard_observe_over_the_model_is_refused() =>
        Refused(fixture.Reference, "is an input of this command", "guard", "observe", "--model", fixture.Reference, "--guard", fixture.Guard, "--flagged", fixture.Flagged, "--out", fixture.Reference);

    [Fact]
    public void Training_into_the_data_folder_is_refused() =>
        Refused(fixture.Data, "lies inside the input folder", "train", "--dataset", fixture.Data, "--epochs", "1", "--threads", "1", "--out", Path.Combine(fixture.Data, "train", "m.pt"));

    [Fact]
    public void Training_over_a_file_that_is_no_checkpoint_is_refused_without_force()
    {
        string notes = Path.Combine(fixture.Folder, "outputs", "notes.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(notes)!);
        File.WriteAllText(notes, "my notes");
        Refused(notes, "exists and is not a Fire checkpoint", "train", "--dataset", fixture.Data, "--epochs", "1", "--threads", "1", "--out", notes);
    }

    [Theory]
    [InlineData("attack", "report")]
    [InlineData("defend-report")]
    [InlineData("bench")]
    public void A_report_over_a_file_that_is_no_report_is_refused_without_force(params string[] command)
    {
        string model = Copy(fixture.Reference, $"report-over-model-{string.Join('-', command)}.pt");
        Refused(model, "exists and is not a markdown report", [.. command, "--datasets", fixture.Data, "--epochs", "1", "--threads", "1", "--out", model]);
    }

    [Fact]
    public void Data_info_over_an_input_image_is_refused()
    {
        string image = Path.Combine(fixture.Data, "train", "left", "000.pgm");
        Refused(image, "lies inside the input folder", "data", "info", fixture.Data, "--out", image);
    }

    [Fact]
    public void Data_export_into_its_data_set_or_a_non_empty_folder_is_refused()
    {
        Refused(fixture.Data, "lies inside the input folder", "data", "export", fixture.Data, "--count", "2", "--out", Path.Combine(fixture.Data, "export"));
        string full = Path.Combine(fixture.Folder, "outputs", "non-empty");
        Directory.CreateDirectory(full);
        File.WriteAllText(Path.Combine(full, "keep.txt"), "x");
        Refused(full, "is not empty", "data", "export", fixture.Data, "--count", "2", "--out", full);
    }

    [Fact]
    public void A_guard_written_over_a_copy_of_itself_is_allowed_but_not_over_another_kind()
    {
        string notes = Copy(fixture.Reference + ".json", "sidecar-copy.json");
        Refused(notes, "exists and is not a FIRE guard", "guard", "observe", "--model", fixture.Reference, "--guard", fixture.Guard, "--flagged", fixture.Flagged, "--out", notes);
    }
}
