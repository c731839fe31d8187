using System.Diagnostics;
using System.Text.Json;
using Fire.Engines.Torch.Interop;
using static TorchSharp.torch;

namespace Fire.Engines.Torch.Tests.Interop;

/// <summary>
/// Weights Fire exports, loaded by PyTorch code of the published layout (pytorch_logits.py, strict load_state_dict),
/// give Fire's logits within 1e-4. Needs Python with torch (Debian's python3-torch); skipped, saying so, without it.
/// </summary>
public sealed class PyTorchSideTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fire-pytorch-side-").FullName;

    [PythonTorchTheory]
    [InlineData("preact-resnet18", 10, "x.pt")]
    [InlineData("preact-resnet18", 10, "x.safetensors")]
    [InlineData("resnet20", 43, "x.pt")]
    [InlineData("resnet20", 43, "x.safetensors")]
    public void PyTorchGivesFiresLogits(string architecture, int classes, string file)
    {
        using var net = TestData.Create(architecture, 3, 32, classes);
        PyTorchExportTests.Randomise(net, seed: 9);
        net.eval();
        string weights = Path.Combine(_folder, file);
        PyTorchFileWriter.Write(net, weights, PyTorchFileWriter.FormatFor(weights));

        var images = TestData.Images(6, net.InputShape, seed: 4);
        float[][] expected;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var logits = net.call(TorchLayeredModel.ToTensor(images)).data<float>().ToArray();
            expected = logits.Chunk(classes).ToArray();
        }
        string input = Path.Combine(_folder, "input.json");
        var mean = net.state_dict()[LayeredNet.MeanBuffer].data<float>().ToArray();
        var std = net.state_dict()[LayeredNet.StdBuffer].data<float>().ToArray();
        File.WriteAllText(input, JsonSerializer.Serialize(new { classes, mean, std, shape = images.Shape, inputs = images.Data }));

        var pytorch = JsonSerializer.Deserialize<float[][]>(PythonTorch.Run(Script, architecture, weights, input))!;
        Assert.Equal(expected.Length, pytorch.Length);
        double difference = expected.Zip(pytorch).SelectMany(p => p.First.Zip(p.Second, (a, b) => Math.Abs(a - (double)b))).Max();
        double largest = expected.SelectMany(row => row).Max(Math.Abs);
        Assert.InRange(largest, 0.01, 1e3); // logits of an ordinary size: the bound means something
        // 1e-4 relative to the logits' size: two float32 engines summing in other orders differ by a few ulps of the largest value.
        Assert.InRange(difference, 0, 1e-4 * Math.Max(1, largest));
    }

    private static string Script => TestScript("pytorch_logits.py");

    /// <summary>A Python script beside these tests, in the source tree.</summary>
    internal static string TestScript(string name) => Path.Combine(Fire.Data.DataLocator.FindRepositoryRoot(AppContext.BaseDirectory)!,
        "tests", "2-engines", "Fire.Engines.Torch.Tests", "Interop", name);

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

/// <summary>Python with torch, for checks on the PyTorch side: Debian's /usr/bin/python3 first, then python3 on the PATH.</summary>
internal static class PythonTorch
{
    private static readonly Lazy<string?> Found = new(() =>
        new[] { "/usr/bin/python3", "python3" }.FirstOrDefault(p => TryRun(p, ["-c", "import torch"], out _)));

    public static string? Python => Found.Value;

    /// <summary>Why a PyTorch-side test cannot run here, or null when it can.</summary>
    public static string? SkipReason => Python is null
        ? "Python with torch is not installed (apt-get install python3-torch): the PyTorch side cannot be checked here."
        : null;

    public static string Run(string script, params string[] arguments)
    {
        if (!TryRun(Python ?? throw new InvalidOperationException("No Python with torch."), [script, .. arguments], out var output))
            throw new InvalidOperationException($"{script} failed: {output}");
        return output;
    }

    private static bool TryRun(string python, string[] arguments, out string output)
    {
        try
        {
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) output += error.Result;
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            output = e.Message;
            return false;
        }
    }
}

/// <summary>A theory that is skipped, saying why, where Python with torch is not installed.</summary>
public sealed class PythonTorchTheoryAttribute : TheoryAttribute
{
    public PythonTorchTheoryAttribute() => Skip = PythonTorch.SkipReason;
}

/// <summary>A fact that is skipped, saying why, where Python with torch is not installed.</summary>
public sealed class PythonTorchFactAttribute : FactAttribute
{
    public PythonTorchFactAttribute() => Skip = PythonTorch.SkipReason;
}
