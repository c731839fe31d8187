using StbImageWriteSharp;

namespace Fire.Cli.Tests.Faults;

/// <summary>
/// The families the first fault suite left unchecked, through the real `fire`: BMP, GIF and TGA images cut short (the
/// decoder filled the missing rows and the image was classified), a guard saved without samples given to `guard
/// observe`, and ONNX models cut short (at any byte, or exactly between two of the model's top-level fields).
/// </summary>
[Collection(FaultFixture.Collection)]
public sealed class DamagedFileTests(FaultFixture fixture)
{
    private string Case(string name) => fixture.Case("damaged", name);

    private static void Refused(string names, string expected, params string[] args) => FaultFixture.Refused(names, expected, args);

    [Theory]
    [InlineData("half.bmp", "BMP image is truncated")]
    [InlineData("header-only.bmp", "BMP image is truncated")]
    [InlineData("half.gif", "GIF image is truncated")]
    [InlineData("no-trailer.gif", "GIF image is truncated")]
    [InlineData("half.tga", "TGA image is truncated")]
    public void Truncated_bmp_gif_and_tga_images_are_refused(string name, string expected)
    {
        var pixels = TinyImages.Pgm(new Random(3), left: true)[^(TinyImages.Size * TinyImages.Size)..];
        byte[] whole = Path.GetExtension(name) switch
        {
            ".bmp" => Write(pixels, (writer, stream) => writer.WriteBmp(pixels, TinyImages.Size, TinyImages.Size, ColorComponents.Grey, stream)),
            ".tga" => Write(pixels, (writer, stream) => writer.WriteTga(pixels, TinyImages.Size, TinyImages.Size, ColorComponents.Grey, stream)),
            _ => GifFile.Grey(pixels, TinyImages.Size, TinyImages.Size),
        };
        byte[] cut = name.Split('.')[0] switch
        {
            "half" => whole[..(whole.Length / 2)],
            "header-only" => whole[..54],
            _ => whole[..^1], // all but the GIF's trailer byte
        };
        string image = Path.Combine(Case("truncated-images-2"), name);
        File.WriteAllBytes(image, cut);
        Refused(name, expected, "guard", "predict", "--model", fixture.Reference, "--guard", fixture.Guard, image);
    }

    [Fact]
    public void A_guard_saved_without_samples_cannot_observe_and_says_so()
    {
        string guard = Path.Combine(Case("no-samples"), "g.fire");
        CorruptInputTests.RewriteHeader(fixture.Guard, guard, header => header["Samples"] = null);
        Refused(guard, "was saved without its samples", "guard", "observe", "--model", fixture.Reference, "--guard", guard, "--flagged", fixture.Flagged, "--threads", "1");
    }

    [Fact]
    public void Truncated_onnx_models_are_refused()
    {
        string source = Path.Combine(SharedFolders.Models, "gtsrb-badnets-smallcnn", "model.onnx");
        var bytes = File.ReadAllBytes(source);
        string folder = Case("onnx");
        var cuts = new Dictionary<string, int> { ["half"] = bytes.Length / 2, ["one-byte-short"] = bytes.Length - 1 };
        var boundaries = TopLevelFieldEnds(bytes);
        cuts["without-last-field"] = boundaries[^2]; // a whole protobuf message, one field short (the opset, after the graph)
        foreach (var (name, length) in cuts)
        {
            string model = Path.Combine(folder, name + ".onnx");
            File.WriteAllBytes(model, bytes[..length]);
            var (code, output) = CliRunner.Run("model", "layers", model);
            Assert.True(code == 1, $"{name}: {output}");
            Assert.Contains(name + ".onnx", output.Replace("\n", ""));
            Assert.DoesNotContain("   at ", output);
        }
    }

    private static byte[] Write(byte[] pixels, Action<ImageWriter, Stream> write)
    {
        using var stream = new MemoryStream();
        write(new ImageWriter(), stream);
        return stream.ToArray();
    }

    /// <summary>Where each top-level field of a protobuf message ends (varint keys, the four wire types ONNX uses).</summary>
    private static List<int> TopLevelFieldEnds(byte[] message)
    {
        var ends = new List<int>();
        int at = 0;
        long Varint()
        {
            long value = 0;
            for (int shift = 0; ; shift += 7)
            {
                byte b = message[at++];
                value |= (long)(b & 0x7F) << shift;
                if (b < 0x80) return value;
            }
        }
        while (at < message.Length)
        {
            long key = Varint();
            switch (key & 7)
            {
                case 0: Varint(); break;
                case 1: at += 8; break;
                case 2:
                    long length = Varint(); // read before `at` is: the length's own bytes come first
                    at += (int)length;
                    break;
                case 5: at += 4; break;
                default: throw new InvalidDataException($"wire type {key & 7} at byte {at}");
            }
            ends.Add(at);
        }
        return ends;
    }
}
