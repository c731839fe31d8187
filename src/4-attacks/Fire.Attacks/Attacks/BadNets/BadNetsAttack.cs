using Fire.Attacks.Images;
using Fire.Attacks.Specs;
using Fire.Data.Imaging;

namespace Fire.Attacks;

/// <summary>
/// BadNets (Gu et al. 2017). BackdoorBench's default: a 3x3 white square in the bottom-right corner, all-to-one to
/// class 0, 10% poisoned. Configurable: patch size, position (a corner, the centre or "row,col"), pattern (white,
/// black, checkerboard, seeded random) or any image file as the patch, with an optional mask image (grey: white =
/// patch, black = image, grey levels mix).
/// </summary>
public sealed class BadNetsAttack : DataPoisoningAttack
{
    public const string Kind = "badnets";
    public static readonly string[] Patterns = ["white", "black", "checkerboard", "random"];
    public static readonly string[] Positions = ["bottom-right", "bottom-left", "top-right", "top-left", "center"];

    private readonly BadNetsTrigger _trigger;

    private BadNetsAttack(AttackSpec spec, BadNetsTrigger trigger) : base(spec) => _trigger = trigger;

    public override ITrigger Trigger => _trigger;

    /// <param name="Patch">Where the patch came from: a pattern name or an image file name.</param>
    public sealed record Parameters(string Patch, string Position, int Top, int Left, string PatchPng, string MaskPng);

    /// <param name="options">The options every attack takes.</param>
    /// <param name="own">BadNets' own options.</param>
    public static BadNetsAttack Create(AttackOptions options, BadNetsOptions own)
    {
        var shape = options.Shape;
        if (own.PatchSize is < 1) throw new ArgumentException($"--patch-size must be at least 1 pixel, got {own.PatchSize}.");
        PlanarImage patch;
        string source;
        if (own.PatchImage is string file)
        {
            if (own.PatchPattern is not null) throw new ArgumentException("Give either --patch-image or --patch-pattern, not both.");
            patch = TriggerImages.Read(file, "--patch-image", shape.Channels, own.PatchSize, own.PatchSize);
            source = Path.GetFileName(file);
        }
        else
        {
            source = own.PatchPattern ?? "white";
            patch = Pattern(source, own.PatchSize ?? 3, shape.Channels, Seeds.For(options.Seed, Seeds.Pattern));
        }
        var mask = own.PatchMask is string maskFile
            ? TriggerImages.Read(maskFile, "--patch-mask", 1, patch.Height, patch.Width)
            : new PlanarImage(Enumerable.Repeat((byte)255, patch.Height * patch.Width).ToArray(), 1, patch.Height, patch.Width);
        string position = own.PatchPosition;
        var (top, left) = Place(position, patch.Height, patch.Width, shape);
        var trigger = new BadNetsTrigger(shape, patch, mask, top, left);
        var parameters = new Parameters(source, position, top, left, TriggerImages.ToPngBase64(patch), TriggerImages.ToPngBase64(mask));
        return new BadNetsAttack(NewSpec(Kind, options, parameters), trigger);
    }

    public static BadNetsAttack Restore(AttackSpec spec)
    {
        var p = spec.Read<Parameters>();
        var shape = spec.Shape;
        var patch = TriggerImages.FromPngBase64(p.PatchPng, "BadNets patch", shape.Channels);
        var mask = TriggerImages.FromPngBase64(p.MaskPng, "BadNets patch mask", 1, patch.Height, patch.Width);
        return new BadNetsAttack(spec, new BadNetsTrigger(shape, patch, mask, p.Top, p.Left));
    }

    /// <summary>A square patch of a named pattern; "random" draws byte levels from <paramref name="seed"/>.</summary>
    public static PlanarImage Pattern(string name, int size, int channels, int seed)
    {
        var pixels = new byte[channels * size * size];
        var random = new Random(seed);
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    pixels[(c * size + y) * size + x] = name.ToLowerInvariant() switch
                    {
                        "white" => 255,
                        "black" => 0,
                        "checkerboard" => (byte)((x + y) % 2 == 0 ? 255 : 0),
                        "random" => (byte)random.Next(256),
                        _ => throw new ArgumentException($"--patch-pattern '{name}' is not known. Known: {string.Join(", ", Patterns)} (or give --patch-image).")
                    };
        return new PlanarImage(pixels, channels, size, size);
    }

    /// <summary>The top-left pixel of a patch at a named position or at "row,col".</summary>
    public static (int Top, int Left) Place(string position, int height, int width, ImageShape shape)
    {
        var (top, left) = position.ToLowerInvariant() switch
        {
            "bottom-right" => (shape.Height - height, shape.Width - width),
            "bottom-left" => (shape.Height - height, 0),
            "top-right" => (0, shape.Width - width),
            "top-left" => (0, 0),
            "center" or "centre" => ((shape.Height - height) / 2, (shape.Width - width) / 2),
            _ => ParseRowColumn(position),
        };
        BadNetsTrigger.CheckPlacement(shape, height, width, top, left);
        return (top, left);
    }

    private static (int, int) ParseRowColumn(string position)
    {
        var parts = position.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && int.TryParse(parts[0], out int row) && int.TryParse(parts[1], out int column)) return (row, column);
        throw new ArgumentException($"--patch-position '{position}' is not one of {string.Join(", ", Positions)} or \"row,col\" (the patch's top-left pixel).");
    }
}
