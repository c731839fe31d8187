using Fire.Attacks.Images;
using Fire.Attacks.Specs;
using Fire.Data.Imaging;
using Fire.Engines.Torch;
using static TorchSharp.torch;

namespace Fire.Attacks;

/// <summary>
/// Adaptive-Blend (Qi et al., ICLR 2023, "Revisiting the assumption of latent separability for backdoor
/// defenses"), an adaptive attack built to keep poisoned samples close to clean ones in latent space. The blend
/// pattern is cut into a grid of pieces; each poisoned training image gets only a random half of the pieces, at a
/// lower opacity (0.15), and "cover" images get the same partial trigger but keep their label, so the model cannot
/// rely on a crisp, separable feature. At test time the full pattern is blended at alpha 0.2. Defaults are the
/// authors' (backdoor-toolbox): poison rate 0.003, cover rate 0.003, 16 pieces, mask rate 0.5.
/// </summary>
public sealed class AdaptiveBlendAttack : DataPoisoningAttack
{
    public const string Kind = "adaptive-blend";

    private readonly BlendedTrigger _trigger;
    private readonly Parameters _parameters;
    private readonly Tensor _pattern;

    private AdaptiveBlendAttack(AttackSpec spec, Parameters parameters, PlanarImage pattern) : base(spec)
    {
        _parameters = parameters;
        _trigger = new BlendedTrigger(spec.Shape, pattern, parameters.TestAlpha, Kind);
        _pattern = tensor(PixelBytes.ToFloats(pattern.Pixels), new long[] { 1, pattern.Channels, pattern.Height, pattern.Width }).DetachFromDisposeScope();
    }

    public override ITrigger Trigger => _trigger;
    public override string AuxiliarySamples => "cover";

    /// <param name="Alpha">Opacity of the partial trigger on poisoned and cover training images.</param>
    /// <param name="TestAlpha">Opacity of the full trigger at test time.</param>
    public sealed record Parameters(double Alpha, double TestAlpha, int Pieces, double MaskRate, double CoverRate, string Pattern, string PatternPng);

    public static AdaptiveBlendAttack Create(AttackOptions options, AdaptiveBlendOptions own)
    {
        var (pattern, source) = BlendPattern.Create(own.BlendImage, options.Shape, options.Seed);
        var p = new Parameters(own.Alpha, own.TestAlpha, own.Pieces, own.MaskRate, own.CoverRate, source, TriggerImages.ToPngBase64(pattern));
        Check(p, options.Shape);
        return new AdaptiveBlendAttack(NewSpec(Kind, options, p, defaultRate: 0.003), p, pattern);
    }

    public static AdaptiveBlendAttack Restore(AttackSpec spec)
    {
        var p = spec.Read<Parameters>();
        Check(p, spec.Shape);
        return new AdaptiveBlendAttack(spec, p, BlendPattern.Restore(p.PatternPng, spec.Shape));
    }

    protected override Tensor PoisonTrainingImages(Tensor images, int[] positions) => PartialBlend(images, positions);

    protected override (int[] Positions, Func<Tensor, int[], Tensor>? Change) Auxiliary(int[] positions, int[] poisoned)
    {
        // Cover samples: round(cover rate x N) unpoisoned images of any class, N counted as for the poisoning rate.
        return (SelectAuxiliary(positions, poisoned, PoisonedSets.RoundedShare(_parameters.CoverRate, positions.Length)), PartialBlend);
    }

    /// <summary>x + alpha * mask * (pattern - x), the mask keeping a seeded random (1 - mask rate) share of the pieces of each image.</summary>
    private Tensor PartialBlend(Tensor images, int[] positions)
    {
        using var scope = NewDisposeScope();
        var masks = cat(positions.Select(PieceMask).ToArray(), 0);
        return images.Plus(((_pattern - images) * masks).Times(_parameters.Alpha)).MoveToOuterDisposeScope();
    }

    /// <summary>The piece mask (1, 1, H, W) of the training image at <paramref name="position"/>: round(mask rate x pieces) pieces zeroed.</summary>
    public Tensor PieceMask(int position)
    {
        var shape = Shape;
        int side = (int)Math.Round(Math.Sqrt(_parameters.Pieces));
        int pieceHeight = shape.Height / side, pieceWidth = shape.Width / side;
        int masked = (int)Math.Round(_parameters.MaskRate * _parameters.Pieces, MidpointRounding.ToEven);
        var hidden = PoisonedSets.Draw(Enumerable.Range(0, _parameters.Pieces).ToArray(), masked, Seeds.For(Spec.Seed, Seeds.Pieces, position));
        var mask = Enumerable.Repeat(1f, shape.Plane).ToArray();
        foreach (int piece in hidden)
            for (int y = piece / side * pieceHeight; y < (piece / side + 1) * pieceHeight; y++)
                for (int x = piece % side * pieceWidth; x < (piece % side + 1) * pieceWidth; x++)
                    mask[y * shape.Width + x] = 0;
        return tensor(mask, new long[] { 1, 1, shape.Height, shape.Width });
    }

    private static void Check(Parameters p, ImageShape shape)
    {
        BlendedTrigger.CheckAlpha(p.Alpha, "--alpha");
        BlendedTrigger.CheckAlpha(p.TestAlpha, "--test-alpha");
        int side = (int)Math.Round(Math.Sqrt(p.Pieces));
        if (p.Pieces < 1 || side * side != p.Pieces) throw new ArgumentException($"--pieces must be a square number (the pattern is cut into a side x side grid), got {p.Pieces}.");
        if (shape.Height % side != 0 || shape.Width % side != 0)
            throw new ArgumentException($"--pieces {p.Pieces} cuts images into a {side}x{side} grid, which does not divide {shape.Height}x{shape.Width} images.");
        if (!(p.MaskRate >= 0 && p.MaskRate <= 1)) throw new ArgumentException($"--mask-rate must be in [0, 1], got {p.MaskRate}.");
        PoisonedSets.CheckRate(p.CoverRate, "--cover-rate");
    }
}
