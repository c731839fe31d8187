using System.Text.Json.Nodes;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Engines.Torch.Interop;

namespace Fire.Training.Interop;

/// <summary>What a PyTorch model is, for Fire: the architecture to read it as and the data and preprocessing it was trained with.</summary>
public sealed record ImportRequest
{
    /// <summary>A zoo architecture (<see cref="ModelZoo.Architectures"/>).</summary>
    public required string Architecture { get; init; }
    /// <summary>The data set as the sidecar records it (<see cref="Datasets.Reference"/>).</summary>
    public required string Dataset { get; init; }
    /// <summary>(C, H, W) of the model's input images.</summary>
    public required int[] InputShape { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }
    /// <summary>The mean and std the model's inputs were normalised with (outside the model, in PyTorch).</summary>
    public required Normalization Normalization { get; init; }
    /// <summary>The attack specification for the sidecar, when the model is known to be backdoored (Fire.Attacks' AttackSpec JSON).</summary>
    public JsonObject? Attack { get; init; }
}

/// <summary>
/// Makes a Fire checkpoint of PyTorch weights: the zoo net built for the request, the weights loaded under the
/// architecture's published names (strictly), then weights and sidecar saved by <see cref="Checkpoint.Save"/>. The
/// sidecar records the normalisation (which the net applies itself, as every Fire net) and, under
/// <c>extra.importedFrom</c>, the file, its SHA-256, its kind, the names it was read with and what else a record says.
/// Nothing is written unless everything fits.
/// </summary>
public static class ModelImport
{
    public const string ExtraKey = "importedFrom";
    /// <summary>BackdoorBench's record keys Fire checks against the request.</summary>
    public const string RecordClasses = "num_classes", RecordImageSize = "img_size", RecordDataset = "clean_data", RecordModelName = "model_name";

    public static CheckpointInfo Import(PyTorchWeights weights, ImportRequest request, string outPath)
    {
        string output = Path.GetFullPath(Checkpoint.WeightsPath(outPath));
        if (output == weights.Path || Checkpoint.SidecarPath(output) == weights.Path)
            throw new ArgumentException($"--out '{outPath}' would overwrite the weights being imported, '{weights.Path}': choose another path.");
        CheckRecord(weights, request);

        using var net = ModelZoo.Create(request.Architecture, request.InputShape[0], request.InputShape[1], request.InputShape[2],
                                        request.ClassNames.Count, request.Normalization);
        PublishedStateDict.Load(net, weights);
        net.eval();
        var info = new CheckpointInfo
        {
            Architecture = net.Architecture,
            Dataset = request.Dataset,
            InputShape = (int[])net.InputShape.Clone(),
            ClassNames = request.ClassNames.ToArray(),
            Normalization = request.Normalization,
            Attack = request.Attack?.DeepClone().AsObject(),
            Extra = new JsonObject { [ExtraKey] = Provenance(weights, net.Architecture) },
        };
        Checkpoint.Save(net, info, output);
        return Checkpoint.ReadInfo(output);
    }

    /// <summary>A BackdoorBench record names its class count and image size: they must be those of the request.</summary>
    private static void CheckRecord(PyTorchWeights weights, ImportRequest request)
    {
        if (weights.RecordInteger(RecordClasses) is long classes && classes != request.ClassNames.Count)
            throw new InvalidDataException(
                $"The {weights.KindDescription} '{weights.Path}' says {RecordClasses} = {classes}, but the model is asked for {request.ClassNames.Count} classes (the data set's, or --classes).");
        if (weights.Record[RecordImageSize] is JsonArray { Count: 3 } size && size.All(d => d is JsonValue v && v.TryGetValue<long>(out _)))
        {
            var hwc = size.Select(d => d!.GetValue<long>()).ToArray(); // BackdoorBench: (height, width, channels)
            var chw = request.InputShape;
            if (hwc[0] != chw[1] || hwc[1] != chw[2] || hwc[2] != chw[0])
                throw new InvalidDataException(
                    $"The {weights.KindDescription} '{weights.Path}' says {RecordImageSize} = ({string.Join(", ", hwc)}) (height, width, channels), " +
                    $"but the data set's images are {chw[1]}x{chw[2]} with {chw[0]} channels.");
        }
    }

    private static JsonObject Provenance(PyTorchWeights weights, string architecture)
    {
        return new JsonObject
        {
            ["file"] = weights.Path,
            ["sha256"] = ContentHash.OfFile(weights.Path),
            ["kind"] = weights.KindDescription,
            ["names"] = PublishedLayout.For(architecture).Description,
            ["record"] = weights.Record.DeepClone(),
        };
    }
}
