namespace Fire.Core.Tests.Files;

public sealed class OutputPathsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fire-outputs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string P(string name) => Path.Combine(_folder, name);

    [Fact]
    public void An_output_equal_to_an_input_or_inside_an_input_folder_is_refused()
    {
        Directory.CreateDirectory(P("data"));
        File.WriteAllText(P("m.pt"), "weights");
        Assert.Contains("is an input", Assert.Throws<IOException>(() => OutputPaths.CheckFile(P("m.pt"), "--csv", [P("m.pt")], "CSV file", FileKinds.IsText)).Message);
        Assert.Contains("lies inside the input folder", Assert.Throws<IOException>(() => OutputPaths.CheckFile(P("data/x.png"), "--out", [P("data")], "PNG image", FileKinds.IsPng)).Message);
        Assert.Contains("is an input", Assert.Throws<IOException>(() => OutputPaths.CheckFolder(P("data") + "/", "--out", [P("data")])).Message);
        Assert.Contains("holds the input", Assert.Throws<IOException>(() => OutputPaths.CheckFolder(_folder, "--out", [P("m.pt")], force: true)).Message);
    }

    [Fact]
    public void An_existing_file_of_another_kind_needs_force_and_a_folder_is_not_a_file()
    {
        File.WriteAllBytes(P("image.bin"), [0, 1, 2, 0]);
        Assert.Contains("--force", Assert.Throws<IOException>(() => OutputPaths.CheckFile(P("image.bin"), "--csv", [], "CSV file", FileKinds.IsText)).Message);
        Assert.Equal(P("image.bin"), OutputPaths.CheckFile(P("image.bin"), "--csv", [], "CSV file", FileKinds.IsText, force: true));
        File.WriteAllText(P("old.csv"), "a,b\n");
        Assert.Equal(P("old.csv"), OutputPaths.CheckFile(P("old.csv"), "--csv", [], "CSV file", FileKinds.IsText));
        Assert.Contains("is a folder", Assert.Throws<IOException>(() => OutputPaths.CheckFile(_folder, "--csv", [], "CSV file", FileKinds.IsText)).Message);
    }

    [Fact]
    public void A_non_empty_output_folder_needs_force()
    {
        Directory.CreateDirectory(P("out"));
        Assert.Equal(P("out"), OutputPaths.CheckFolder(P("out"), "--out", []));
        File.WriteAllText(P("out/a.png"), "x");
        Assert.Contains("is not empty", Assert.Throws<IOException>(() => OutputPaths.CheckFolder(P("out"), "--out", [])).Message);
        Assert.Equal(P("out"), OutputPaths.CheckFolder(P("out"), "--out", [], force: true));
    }

    [Fact]
    public void A_symbolic_link_does_not_disguise_an_input()
    {
        File.WriteAllText(P("m.pt"), "weights");
        File.CreateSymbolicLink(P("link.csv"), P("m.pt"));
        Assert.Contains("is an input", Assert.Throws<IOException>(() => OutputPaths.CheckFile(P("link.csv"), "--csv", [P("m.pt")], "CSV file", FileKinds.IsText)).Message);
    }

    [Fact]
    public void Input_files_must_be_regular_and_not_empty()
    {
        File.WriteAllBytes(P("empty.bin"), []);
        Assert.Contains("is empty, or not a regular file", Assert.Throws<InvalidDataException>(() => InputFile.ReadAllBytes(P("empty.bin"))).Message);
        Assert.Contains("is a folder", Assert.Throws<FileNotFoundException>(() => InputFile.Check(_folder)).Message);
        File.WriteAllBytes(P("one.bin"), [7]);
        Assert.Equal(new byte[] { 7 }, InputFile.ReadAllBytes(P("one.bin")));
    }
}
