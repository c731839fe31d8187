using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Fire.Cli.Tests.Faults;

/// <summary>
/// Damaged, truncated, hand-edited and non-regular inputs of every format Fire reads, generated here: each is an error
/// line naming the file (exit 1), never a result, a stack trace or a hang.
/// </summary>
[Collection(FaultFixture.Collection)]
public sealed class CorruptInputTests(FaultFixture fixture)
{
    private string Case(string name) => fixture.Case("corrupt", name);

    private static void Refused(string names, string expected, params string[] args) => FaultFixture.Refused(names, expected, args);

    private string CopyModel(string folder)
    {
        string model = Path.Combine(folder, "m.pt");
        File.Copy(fixture.Reference, model, overwrite: true);
        File.Copy(fixture.Reference + ".json", model + ".json", overwrite: true);
        return model;
    }

    private string[] Eval(string model) => ["eval", model, "--dataset", fixture.Data, "--threads", "1"];

    [Fact]
    public void Truncated_weights_are_refused()
    {
        string model = CopyModel(Case("truncated-weights"));
        var bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes[..(bytes.Length / 2)]);
        Refused(model, "is not a complete TorchSharp weights file", Eval(model));
    }

    [Fact]
    public void Weights_holding_NaN_are_refused()
    {
        string model = CopyModel(Case("nan-weights"));
        var (net, _) = Fire.Training.Checkpoint.Load(model);
        using (TorchSharp.torch.no_grad()) net.parameters().First().fill_(float.NaN);
        net.save(model); // around Checkpoint.Save, which refuses such weights
        net.Dispose();
        Refused(model, "NaN or infinite", Eval(model));
    }

    [Fact]
    public void Zero_byte_weights_and_a_garbage_sidecar_are_refused()
    {
        string model = CopyModel(Case("zero-weights"));
        File.WriteAllBytes(model, []);
        Refused(model, "is empty", Eval(model));
        model = CopyModel(Case("garbage-sidecar"));
        File.WriteAllText(model + ".json", "{ \"architecture\": ");
        Refused(model + ".json", "is not a valid checkpoint description", Eval(model));
    }

    [Fact]
    public void A_folder_given_as_the_checkpoint_is_named_as_a_folder()
    {
        string folder = Case("folder-checkpoint");
        Refused(folder, "is a folder", Eval(folder));
    }

    [Fact]
    public void A_damaged_guard_is_refused_by_its_checksum()
    {
        string folder = Case("guard-bytes");
        string truncated = Path.Combine(folder, "truncated.fire"), flipped = Path.Combine(folder, "flipped.fire");
        var bytes = File.ReadAllBytes(fixture.Guard);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length * 2 / 3)]);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(flipped, bytes);
        foreach (var guard in new[] { truncated, flipped })
            Refused(guard, "is damaged", "guard", "predict", "--model", fixture.Reference, "--guard", guard, fixture.Flagged);
    }

    [Theory]
    [InlineData("plan-null", "has no or an incomplete repair plan")]
    [InlineData("target-42", "names class 42")]
    [InlineData("no-fingerprint", "has no model fingerprint")]
    [InlineData("nan-alpha", "strength NaN")]
    [InlineData("labels-short", "clean images but 2 labels")]
    [InlineData("samples-swapped", "labels or predictions for them")]
    [InlineData("mean-twice", "holds two clean means for layer")]
    [InlineData("format-x", "header says format 'x'")]
    public void A_hand_edited_guard_with_a_recomputed_checksum_is_refused(string edit, string expected)
    {
        string guard = Path.Combine(Case("guard-edits"), edit + ".fire");
        RewriteHeader(fixture.Guard, guard, header =>
        {
            switch (edit)
            {
                case "plan-null": header["Plan"] = null; break;
                case "target-42": header["Plan"]!["EstimatedTarget"] = 42; break;
                case "no-fingerprint": header.Remove("Fingerprint"); break;
                case "nan-alpha":
                    foreach (var repair in header["Plan"]!["Repairs"]!.AsArray()) repair!["Alpha"] = "NaN";
                    if (header["Plan"]!["Repairs"]!.AsArray().Count == 0) header["Plan"]!["EstimatedTarget"] = 42; // no repair to edit: still refused
                    break;
                case "labels-short": header["Samples"]!["CleanFitLabels"] = new JsonArray(1, 0); break;
                case "samples-swapped": header["Samples"]!["CleanFit"] = header["Samples"]!["Poisoned"]!.DeepClone(); break;
                case "mean-twice": header["CleanMeans"]!.AsArray()[1] = header["CleanMeans"]!.AsArray()[0]!.DeepClone(); break;
                case "format-x": header["Format"] = "x"; break;
            }
        });
        var (code, output) = CliRunner.Run("guard", "predict", "--model", fixture.Reference, "--guard", guard, fixture.Flagged);
        Assert.True(code == 1, output);
        Assert.Contains(Path.GetFileName(guard), output.Replace("\n", ""));
        Assert.DoesNotContain("   at ", output);
        if (edit != "nan-alpha") Assert.Contains(expected, output.Replace("\n", ""));
    }

    [Fact]
    public void Another_json_file_as_the_guard_says_it_is_not_a_guard() =>
        Refused(fixture.Reference + ".json", "is not a FIRE guard", "guard", "predict", "--model", fixture.Reference, "--guard", fixture.Reference + ".json", fixture.Flagged);

    [Fact]
    public void Truncated_jpeg_and_png_images_are_refused()
    {
        string folder = Case("truncated-images");
        var pixels = Enumerable.Range(0, 16 * 16).Select(i => (byte)(i * 7)).ToArray();
        using (var jpeg = new MemoryStream())
        {
            new StbImageWriteSharp.ImageWriter().WriteJpg(pixels, 16, 16, StbImageWriteSharp.ColorComponents.Grey, jpeg, 90);
            File.WriteAllBytes(Path.Combine(folder, "half.jpg"), jpeg.ToArray()[..(int)(jpeg.Length / 2)]);
        }
        Refused("half.jpg", "JPEG image is truncated", "guard", "predict", "--model", fixture.Reference, "--guard", fixture.Guard, Path.Combine(folder, "half.jpg"));
        using (var png = new MemoryStream())
        {
            new StbImageWriteSharp.ImageWriter().WritePng(pixels, 16, 16, StbImageWriteSharp.ColorComponents.Grey, png);
            File.WriteAllBytes(Path.Combine(folder, "half.png"), png.ToArray()[..(int)(png.Length - 20)]);
        }
        Refused("half.png", "PNG image is truncated", "guard", "predict", "--model", fixture.Reference, "--guard", fixture.Guard, Path.Combine(folder, "half.png"));
    }

    [Fact]
    public void A_zero_byte_cifar10_batch_is_refused()
    {
        string folder = Case("cifar-10-batches-bin");
        var record = new byte[3073];
        foreach (var name in new[] { "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin" })
            File.WriteAllBytes(Path.Combine(folder, name), record);
        File.WriteAllBytes(Path.Combine(folder, "data_batch_3.bin"), []);
        Refused("data_batch_3.bin", "is empty", "data", "info", folder, "--out", Path.Combine(fixture.Folder, "corrupt", "cifar.png"));
    }

    [Fact]
    public void A_named_pipe_in_an_input_folder_is_an_error_not_a_hang()
    {
        string folder = Case("fifo");
        File.WriteAllBytes(Path.Combine(folder, "a.pgm"), TinyImages.Pgm(new Random(1), true));
        string fifo = Path.Combine(folder, "b.pgm");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        var (code, output) = FireProcess.Run(TimeSpan.FromSeconds(90), "guard", "predict", "--model", fixture.Reference, "--guard", fixture.Guard, folder, "--threads", "1");
        Assert.True(code == 1, output);
        Assert.Contains("b.pgm", output.Replace("\n", ""));
        Assert.Contains("not a regular file", output.Replace("\n", ""));
    }

    [Fact]
    public void Option_errors_name_the_option_and_the_value()
    {
        var (code, output) = CliRunner.Run("train", "--dataset", fixture.Data, "--epochs", "abc");
        Assert.Equal(1, code);
        Assert.Contains("--epochs: 'abc' is not a whole number", output.Replace("\n", ""));
        (code, output) = CliRunner.Run("train", "--dataset", fixture.Data, "--epoch", "1");
        Assert.Equal(1, code);
        Assert.Contains("Unknown option '--epoch' (did you mean '--epochs'?)", output.Replace("\n", ""));
    }

    [Fact]
    public void A_diverging_training_stops_with_an_error_and_saves_nothing()
    {
        string model = Path.Combine(Case("diverging"), "m.pt");
        var (code, output) = CliRunner.Run("train", "--dataset", fixture.Data, "--epochs", "2", "--lr", "1e30", "--batch-size", "8", "--threads", "1", "--out", model);
        Assert.Equal(1, code);
        Assert.Contains("Training diverged", output.Replace("\n", ""));
        Assert.False(File.Exists(model));
    }

    /// <summary>A hostile edit: the guard's JSON header changed and the container's checksum recomputed to match.</summary>
    internal static void RewriteHeader(string source, string target, Action<JsonObject> edit)
    {
        var bytes = File.ReadAllBytes(source);
        int magic = Array.IndexOf(bytes, (byte)'\n') + 1;
        long length = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(magic));
        var header = JsonNode.Parse(bytes.AsSpan(magic + 8, (int)length))!.AsObject();
        edit(header);
        byte[] newHeader = Encoding.UTF8.GetBytes(header.ToJsonString());
        var rest = bytes.AsSpan(magic + 8 + (int)length, bytes.Length - 32 - (magic + 8 + (int)length)).ToArray();
        var lengthBytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(lengthBytes, newHeader.Length);
        byte[] content = [.. bytes.AsSpan(0, magic), .. lengthBytes, .. newHeader, .. rest];
        File.WriteAllBytes(target, [.. content, .. SHA256.HashData(content)]);
    }
}
