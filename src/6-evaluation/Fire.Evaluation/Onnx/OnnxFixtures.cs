using System.Text.Json;
using Fire.Attacks;
using Fire.Attacks.Specs;

namespace Fire.Evaluation.Onnx;

/// <summary>
/// The models PyTorch made outside Fire (../shared/models, see its README): where each one is, the normalisation its
/// graph expects outside it (spec.json), and for the backdoored ones the attack they were trained with, as Fire's attack options.
/// </summary>
public sealed record OnnxFixture(string Folder, string Title, string Dataset, string? Attack, Func<string, AttackOptions>? AttackOptions)
{
    public const string SmallCnn = "gtsrb-badnets-smallcnn";
    public const string ResNet20 = "resnet20-gtsrb-blended";
    public const string PreAct = "preactresnet18-random";

    public static IReadOnlyList<OnnxFixture> All { get; } =
    [
        // BadNets as the fixture was trained: a white 3x3 square at rows and columns 29-31 of 32x32 (Fire's default bottom-right patch), target 0.
        new(SmallCnn, "small CNN, BadNets (white 3x3 at rows/cols 29-31, target 0)", "gtsrb", "badnets",
            _ => new AttackOptions { Shape = new ImageShape(3, 32, 32), Target = 0, PatchSize = 3, PatchPosition = "29,29", PatchPattern = "white" }),
        // Blended as the fixture was trained: x' = 0.8 x + 0.2 p with its own pattern file, target 5.
        new(ResNet20, "ResNet-20, Blended (blend_pattern.png, alpha 0.2, target 5)", "gtsrb", "blended",
            folder => new AttackOptions { Shape = new ImageShape(3, 32, 32), Target = 5, Alpha = 0.2, BlendImage = Path.Combine(folder, "blend_pattern.png") }),
        new(PreAct, "PreAct-ResNet18, seeded random weights (no backdoor)", "cifar10", null, null),
    ];

    public string ModelPath(string root) => Path.Combine(root, Folder, "model.onnx");

    /// <summary>spec.json's mean and std when the graph expects normalised input; null when it normalises itself.</summary>
    public InputNormalization? Normalization(string root)
    {
        string path = Path.Combine(root, Folder, "spec.json");
        if (!File.Exists(path)) throw new FileNotFoundException($"No spec.json at '{path}': the ONNX fixtures are in ../shared/models (give --models).", path);
        using var spec = JsonDocument.Parse(File.ReadAllText(path));
        if (!spec.RootElement.TryGetProperty("mean", out var mean)) return null;
        static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => v.GetSingle()).ToArray();
        return new InputNormalization(Floats(mean), Floats(spec.RootElement.GetProperty("std")));
    }

    /// <summary>The CA / ASR / PA that spec.json says PyTorch measured, when recorded.</summary>
    public (double Ca, double Asr, double Pa)? MeasuredByPyTorch(string root)
    {
        using var spec = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, Folder, "spec.json")));
        if (!spec.RootElement.TryGetProperty("measured_here", out var m)) return null;
        return (m.GetProperty("CA").GetDouble(), m.GetProperty("ASR").GetDouble(), m.GetProperty("PA").GetDouble());
    }

    /// <summary>io.json's inputs and PyTorch's logits, when the fixture has them.</summary>
    public (FloatBatch Inputs, float[] Logits)? InputsAndLogits(string root)
    {
        string path = Path.Combine(root, Folder, "io.json");
        if (!File.Exists(path)) return null;
        using var io = JsonDocument.Parse(File.ReadAllText(path));
        static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var shape = io.RootElement.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        return (new FloatBatch(Floats(io.RootElement.GetProperty("inputs")), shape),
                io.RootElement.GetProperty("logits").EnumerateArray().SelectMany(Floats).ToArray());
    }
}
